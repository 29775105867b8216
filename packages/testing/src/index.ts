export { jpegBytes } from '#lib/fixtures';
