export declare const WALKTHROUGH_PICTURES: Record<string, string>;
