import { headingSlug } from '../shared/markdown.js';

/** A link to a section of the README (the status table lives there). */
export const readme = (heading: string) => `[§ ${heading}](#${headingSlug(heading)})`;

/** A link to a file of the repository, or to one of its sections. */
export const doc = (file: string, heading?: string) =>
  heading ? `[${file} § ${heading}](${file}#${headingSlug(heading)})` : `[${file}](${file})`;
