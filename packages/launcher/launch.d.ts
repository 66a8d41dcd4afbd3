/** The oldest Node the CLIs run on. */
export declare const minimum: string
/** Runs the bundle at the file URL `bundle` as the program `name`. */
export declare const launch: (name: string, bundle: string) => Promise<void>
