// A Map-based stand-in for mnemonist's LRUCache (an esbuild alias in serverless.yml). Its only user
// in our bundles is the DynamoDB client's endpoint-discovery cache (discovery is off by default):
// mnemonist and obliterator are ~7 KiB parsed at every cold start for it.
class LRUCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.map = new Map();
  }
  get(key) {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key);
    this.map.delete(key); // most recently used last
    this.map.set(key, value);
    return value;
  }
  peek(key) {
    return this.map.get(key);
  }
  has(key) {
    return this.map.has(key);
  }
  set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value);
    return this;
  }
  clear() {
    this.map.clear();
  }
}

module.exports = LRUCache;
