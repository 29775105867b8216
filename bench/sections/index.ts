// Every section of the bench, in the order it runs them.
import type { Section, SectionName } from '../section.ts';
import { bundleSizes } from './bundle-sizes.ts';
import { exportsSection } from './exports.ts';
import { coldStarts } from './cold-starts.ts';
import { library } from './library.ts';
import { load } from './load.ts';
import { maxUpload } from './max-upload.ts';
import { renditions } from './renditions.ts';

export const SECTIONS: Record<SectionName, Section<unknown>> = {
  'bundle-sizes': bundleSizes,
  'cold-starts': coldStarts,
  'max-upload': maxUpload,
  load,
  library,
  renditions,
  exports: exportsSection,
};
