//! The hash of the check cache's keys (a file's bytes, its config, its includes) and of
//! `--shard`'s paths: stable across runs and machines of one build. A fast 128-bit
//! non-cryptographic hash (XXH3): collisions are not a concern at project scale, and it runs
//! at memory speed, so hashing every file of a large repository on each run stays cheap.

/// The 128-bit XXH3 hash of `bytes`.
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// An incremental hasher with the same algorithm, for keys made of many parts. Parts of
/// variable length must be framed by the caller (a length before the bytes) so that
/// `("ab", "c")` and `("a", "bc")` differ.
#[derive(Default, Clone)]
pub struct KeyHasher(xxhash_rust::xxh3::Xxh3Default);

impl KeyHasher {
    pub fn new() -> Self {
        KeyHasher::default()
    }

    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(&(bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
        self
    }

    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub fn u128(&mut self, v: u128) -> &mut Self {
        self.0.update(&v.to_le_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.0.update(&v.to_le_bytes());
        self
    }

    pub fn path(&mut self, p: &std::path::Path) -> &mut Self {
        self.bytes(p.as_os_str().as_encoded_bytes())
    }

    pub fn finish(&self) -> u128 {
        self.0.digest128()
    }
}

/// For the `Hash` impls of small types (enums): framed like any other part.
impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.digest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framed_parts_do_not_run_together() {
        let a = KeyHasher::new().str("ab").str("c").finish();
        let b = KeyHasher::new().str("a").str("bc").finish();
        assert_ne!(a, b);
        assert_eq!(a, KeyHasher::new().str("ab").str("c").finish());
    }

    #[test]
    fn content_hash_tells_texts_apart() {
        assert_ne!(content_hash(b"<p>a</p>"), content_hash(b"<p>b</p>"));
        assert_eq!(content_hash(b"x"), content_hash(b"x"));
    }
}
