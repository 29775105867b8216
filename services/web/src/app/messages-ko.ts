// The app's sentences in Korean, keyed by the English sentence (white space collapsed), with the
// same `{placeholders}`. i18n.ts explains the scheme; messages-ko.test.ts checks that every
// sentence of index.html and of every screen's TEXT table is here.
export const KO: Readonly<Record<string, string>> = {
  'Slideshow · {name} · Event Photos': '슬라이드쇼 · {name} · Event Photos',
  'Waiting for the first photo. New photos appear here as guests add them.':
    '첫 사진을 기다리는 중입니다. 게스트가 사진을 올리면 여기에 나타납니다.',
  'Loading the photos…': '사진을 불러오는 중…',
  '{title} · by {uploader}': '{title} · {uploader} 님',
  Paused: '일시정지됨',
  'The slideshow': '슬라이드쇼',
};
