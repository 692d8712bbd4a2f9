/** `p`'s value, or undefined when the deadline passes first (or `p` fails because it did). */
export async function withinDeadline<T>(p: Promise<T>, deadline: number | undefined): Promise<T | undefined> {
  if (deadline === undefined) return p;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([p.catch((err) => (Date.now() >= deadline ? undefined : Promise.reject(err))), late]);
  } finally {
    clearTimeout(timer);
  }
}
