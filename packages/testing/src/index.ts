export { launchChromium } from '#lib/browser';
export { jpegBytes, png } from '#lib/fixtures';
