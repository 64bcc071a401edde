/**
 * A least-recently-used cache on a Map: a Map iterates in insertion order, so re-inserting a key
 * on every hit keeps the least recently used entry first, and eviction drops the first key.
 */
export class LruCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.map = new Map();
  }

  get size() {
    return this.map.size;
  }

  /** The value, marked most recently used; undefined when absent. */
  get(key) {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  set(key, value) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value);
  }
}
