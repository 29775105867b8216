import { SharpPhotoRenderer } from '@event-photos/images';

// Created once per module load: processing and reconcile decode through it.
export const renderer = new SharpPhotoRenderer();
