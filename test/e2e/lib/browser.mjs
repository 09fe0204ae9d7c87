// Chromium (Debian's) driven by playwright-core, plus the workbench actions a person takes: palette, quick inputs,
// views, tree rows, context menus, dialogs, notifications. Every wait polls the page for a state; none sleeps.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.FLERO_E2E_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh persistent browser profile in profileDir (swept for secrets afterwards). */
export async function launchBrowser(profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 860 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await context.addInitScript(recordToastArrivals);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/**
 * VS Code's toast spam protection (NotificationsToasts: at most 3 notifications per 800 ms window, the window starting
 * at the first one after a quiet 800 ms) turns any further notification of the window into a silent entry of the
 * notification center: no toast, nothing a person sees. Progress notifications count too.
 */
export const TOAST_WINDOW_MS = 800;

/** Runs in the page before the workbench loads: remembers when the last notification toast appeared. */
function recordToastArrivals() {
  window.__e2eLastToastAt = 0;
  new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes)
        if (n instanceof HTMLElement && n.classList.contains('notification-toast-container'))
          window.__e2eLastToastAt = Date.now();
  }).observe(document, { childList: true, subtree: true });
}

/** Visible text of the transient UI: notifications, quick input, dialogs, hovers. For failure reports. */
export async function visibleUiText(page) {
  return page
    .evaluate(() => {
      const pick = (sel) =>
        [...document.querySelectorAll(sel)]
          .filter((e) => e instanceof HTMLElement && e.offsetParent !== null)
          .map((e) => (e instanceof HTMLElement ? e.textContent : '').trim())
          .filter(Boolean);
      const inputs = [...document.querySelectorAll('.quick-input-widget input')]
        .filter((e) => e instanceof HTMLInputElement && e.offsetParent !== null)
        .map((e) =>
          e instanceof HTMLInputElement ? `[${e.type}] ${e.type === 'password' ? '(hidden)' : e.value}` : '',
        );
      return {
        notifications: pick(
          '.notifications-toasts .notification-list-item, .notifications-center .notification-list-item',
        ),
        quickInput: pick('.quick-input-widget').concat(inputs),
        dialog: pick('.monaco-dialog-box'),
        statusBar: pick('.statusbar-item').filter((t) => /flero/i.test(t)),
        progress: pick('.monaco-progress-container.active'),
      };
    })
    .catch((e) => ({ error: String(e) }));
}

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
  }

  async waitReady(timeout = 90_000) {
    await this.page.waitForSelector('.monaco-workbench', { timeout });
    await this.page.waitForSelector('.activitybar', { timeout });
  }

  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  async waitQuickInput(timeout = 15_000) {
    await this.quickInput().locator('input').first().waitFor({ state: 'visible', timeout });
    return this.quickInput();
  }

  async waitQuickInputClosed(timeout = 15_000) {
    await this.quickInput().waitFor({ state: 'hidden', timeout });
  }

  /** Opens the command palette and types `text` (without the leading `>`). */
  async openPalette(text) {
    const widget = this.quickInput();
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.page.keyboard.press('F1');
      try {
        await widget.locator('input').first().waitFor({ state: 'visible', timeout: 5000 });
        break;
      } catch {
        // focus may be in a webview or the page not yet focused: click the editor area and retry
        await this.page
          .locator('.monaco-workbench')
          .click({ position: { x: 700, y: 400 } })
          .catch(() => {});
      }
    }
    const input = widget.locator('input').first();
    await input.fill(`>${text}`);
    return widget;
  }

  /** Labels of the rows the quick input shows. */
  async quickPickLabels() {
    return this.quickInput()
      .locator('.quick-input-list .monaco-list-row')
      .evaluateAll((rows) =>
        rows.map((r) => (r instanceof HTMLElement ? r.textContent.replace(/\s+/g, ' ').trim() : '')),
      );
  }

  /** Runs a command through the palette by its title, e.g. "Flero: Start Local Server". */
  async runCommand(title) {
    const widget = await this.openPalette(title);
    const row = widget.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    await this.page.keyboard.press('Enter');
  }

  /** Picks the quick-pick row containing `text` (click). */
  async pick(text, { timeout = 15_000 } = {}) {
    const row = this.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout });
    await row.click();
  }

  /** Types into the quick input box and presses Enter. */
  async typeAndEnter(text) {
    const input = this.quickInput().locator('input').first();
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** The visible modal dialog (showInformationMessage({modal:true}) / showWarningMessage modal). */
  dialog() {
    return this.page.locator('.monaco-dialog-box');
  }

  async clickDialogButton(label) {
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    await this.dialog().locator('.monaco-button', { hasText: exact }).first().click();
  }

  notifications() {
    return this.page.locator('.notifications-toasts .notification-list-item');
  }

  /**
   * Waits until no toast appeared for longer than VS Code's toast spam window, as a person's next action comes after
   * the last one's notifications: then the next notification starts a fresh window and is shown as a toast. (A step
   * acting within 800 ms of the previous step's notifications could have its own toast swallowed: 4 in one window.)
   */
  async waitToastsSettled(timeout = 15_000) {
    await this.page.waitForFunction(
      (quietMs) => Date.now() - (window.__e2eLastToastAt ?? 0) > quietMs,
      TOAST_WINDOW_MS + 50,
      { timeout, polling: 50 },
    );
  }

  /** Waits for a notification toast whose text matches `re`; returns its text. */
  async waitNotification(re, timeout = 30_000) {
    const loc = this.page.locator('.notifications-toasts .notification-list-item', { hasText: re }).first();
    await loc.waitFor({ state: 'visible', timeout });
    return (await loc.textContent()).trim();
  }

  /** The sidebar pane (view) with the given title, e.g. "API Keys". */
  pane(title) {
    return this.page.locator('.sidebar .pane', {
      has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }),
    });
  }

  async expandPane(title) {
    const pane = this.pane(title).first();
    await pane.waitFor({ state: 'visible', timeout: 15_000 });
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return pane;
  }

  /** Tree rows of a view (visible ones), as text. */
  async treeRows(title) {
    return this.pane(title)
      .first()
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows.map((r) => (r instanceof HTMLElement ? r.textContent.replace(/\s+/g, ' ').trim() : '')),
      );
  }

  treeRow(title, text) {
    return this.pane(title).first().locator('.monaco-list-row', { hasText: text }).first();
  }

  /** Right-clicks an element and chooses a context-menu entry (retries with Enter if the click lands mid-animation). */
  async contextMenu(locator, entry) {
    await locator.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu').first();
    const item = this.page.locator('.context-view .action-item, .monaco-menu .action-item', { hasText: entry }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    await item.hover();
    await item.click();
    const closed = await menu
      .waitFor({ state: 'hidden', timeout: 2000 })
      .then(() => true)
      .catch(() => false);
    if (!closed) {
      await item.hover();
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5000 });
    }
  }

  /**
   * Texts in the notification center (opened with the status-bar bell, then closed). For failure reports: a notification
   * that never became a toast (VS Code drops toasts beyond 3 per 800 ms) or whose toast was hidden is still listed here.
   */
  async notificationCenterTexts() {
    const bell = this.page.locator('#status\\.notifications .statusbar-item-label').first();
    const items = this.page.locator('.notifications-center .notification-list-item');
    try {
      await bell.click({ timeout: 5000 });
      await this.page.locator('.notifications-center').first().waitFor({ state: 'visible', timeout: 5000 });
      const texts = await items.evaluateAll((rows) =>
        rows.map((r) => (r instanceof HTMLElement ? r.textContent.replace(/\s+/g, ' ').trim() : '')),
      );
      await bell.click({ timeout: 5000 }).catch(() => {});
      return texts;
    } catch (e) {
      return [`(could not open the notification center: ${e instanceof Error ? e.message.split('\n')[0] : e})`];
    }
  }

  /** Text of an error the UI shows right now (error toast, "command … resulted in an error" dialog), or undefined. */
  async errorShown() {
    return this.page
      .evaluate(() => {
        const visible = (e) => e instanceof HTMLElement && e.offsetParent !== null;
        const toasts = [...document.querySelectorAll('.notifications-toasts .notification-list-item')]
          .filter((e) => visible(e) && e.querySelector('.codicon-error'))
          .map((e) => (e instanceof HTMLElement ? e.textContent.trim() : ''));
        const dialogs = [...document.querySelectorAll('.monaco-dialog-box')]
          .filter(
            (e) =>
              visible(e) && (e.querySelector('.codicon-error') || /resulted in an error/.test(e.textContent ?? '')),
          )
          .map((e) => (e instanceof HTMLElement ? e.textContent.trim() : ''));
        return [...toasts, ...dialogs].join(' | ') || undefined;
      })
      .catch(() => undefined);
  }

  /** A screenshot; any text that holds a Flero key (the "shown once" dialog) is masked in the picture. */
  async screenshot(path) {
    const keyText = /[a-z][a-z0-9_]{0,30}_[0-9A-Za-z]{36}/;
    await this.page.screenshot({
      path,
      fullPage: false,
      mask: [
        this.page.locator('.dialog-message-detail, .dialog-message-text, .notification-list-item-message', {
          hasText: keyText,
        }),
      ],
    });
  }
}
