/**
 * Start-up failures to reach PostgreSQL or Redis, said plainly: which
 * variable, which host, what went wrong; never the password in the URL.
 */

/** scheme://host:port of a connection string, without user, password, path or query. */
export function whereOf(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** Run `connect`; if it fails, rethrow with the variable and the host named. */
export async function connecting<T>(
  what: string,
  variable: string,
  connectionString: string,
  connect: () => Promise<T>,
): Promise<T> {
  try {
    return await connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not connect to ${what} at ${whereOf(connectionString)} (${variable}): ${reason}`, {
      cause: error,
    });
  }
}
