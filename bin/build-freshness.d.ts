// Types of build-freshness.js (plain JavaScript: bin/pricekeep.js loads it before tsx).
export declare const SOURCE_DIRS: readonly string[];
export declare function newestSourceMtime(root: string): number;
export declare function isBuildCurrent(root: string): boolean;
