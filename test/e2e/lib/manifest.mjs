// Reads what the packaged extension contributes, so a step can tell "feature not built yet" (pending) from "feature
// broken" (fail).

/** @param {any} manifest @param {RegExp} titleRe */
export function findCommand(manifest, titleRe) {
  const cmds = manifest?.contributes?.commands ?? [];
  const c = cmds.find((x) => titleRe.test(typeof x.title === 'string' ? x.title : (x.title?.value ?? '')));
  if (!c) return undefined;
  const title = typeof c.title === 'string' ? c.title : c.title.value;
  const category = typeof c.category === 'string' ? c.category : c.category?.value;
  return { id: c.command, title, palette: category ? `${category}: ${title}` : title };
}

/** Every contributed command id → palette label. */
export function allCommands(manifest) {
  return (manifest?.contributes?.commands ?? []).map((c) => {
    const title = typeof c.title === 'string' ? c.title : c.title.value;
    const category = typeof c.category === 'string' ? c.category : c.category?.value;
    return { id: c.command, title, palette: category ? `${category}: ${title}` : title };
  });
}

/** Commands hidden from the palette by `menus.commandPalette` `when: false`. */
export function hiddenFromPalette(manifest) {
  return new Set(
    (manifest?.contributes?.menus?.commandPalette ?? []).filter((m) => m.when === 'false').map((m) => m.command),
  );
}

export function activityBarContainer(manifest) {
  const c = (manifest?.contributes?.viewsContainers?.activitybar ?? []).find((x) => /flero/i.test(x.id + x.title));
  return c ? { id: c.id, title: c.title, views: manifest?.contributes?.views?.[c.id] ?? [] } : undefined;
}

export function findView(manifest, nameRe) {
  for (const views of Object.values(manifest?.contributes?.views ?? {})) {
    for (const v of /** @type {any[]} */ (views)) if (nameRe.test(v.name)) return v;
  }
  return undefined;
}

/** Whether a view item context menu offers a command whose title matches. */
export function contextMenuHas(manifest, viewId, titleRe) {
  const cmd = findCommand(manifest, titleRe);
  if (!cmd) return false;
  return (manifest?.contributes?.menus?.['view/item/context'] ?? []).some(
    (m) => m.command === cmd.id && String(m.when ?? '').includes(viewId),
  );
}

/**
 * Builds a "needs" check: returns the reason a step is pending, or undefined when everything it needs is contributed.
 * @param {{ commands?: RegExp[], views?: RegExp[], extra?: (m: any) => string | undefined }} needs
 */
export function missing(manifest, needs) {
  const why = [];
  for (const re of needs.commands ?? []) if (!findCommand(manifest, re)) why.push(`no command titled ${re}`);
  for (const re of needs.views ?? []) if (!findView(manifest, re)) why.push(`no view named ${re}`);
  const extra = needs.extra?.(manifest);
  if (extra) why.push(extra);
  return why.length ? `pending: the extension does not contribute ${why.join(', ')} yet` : undefined;
}
