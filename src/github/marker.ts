/**
 * Hidden markers let perfgate find its own comment or issue again. They are HTML comments, so
 * GitHub renders nothing for them; the name must not be able to close the comment early.
 */
const NAME = /^[\w.-]+$/;

export function markerFor(name: string): string {
  if (!NAME.test(name)) {
    throw new Error(
      `marker name ${JSON.stringify(name)}: use only letters, digits, '.', '_' and '-'`,
    );
  }
  return `<!-- perfgate:${name} -->`;
}

/** The body with the marker first, so truncating the end (65,536 characters) keeps it. */
export function withMarker(marker: string, body: string): string {
  return body.startsWith(marker) ? body : `${marker}\n${body}`;
}
