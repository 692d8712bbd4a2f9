/** A problem with how daemonlint was invoked (a bad option, config or baseline): one line, exit 2. */
export class UsageError extends Error {}
