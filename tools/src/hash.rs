//! A hash of build inputs for caches: FNV-1a, 64 bits.

/// FNV-1a, 64 bits: stable across Rust versions, unlike `DefaultHasher`.
#[derive(Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self::new()
    }
}

impl Fnv {
    pub fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Add a part; parts are separated so that ("ab", "c") != ("a", "bc").
    pub fn part(mut self, bytes: impl AsRef<[u8]>) -> Self {
        let bytes = bytes.as_ref();
        for b in (bytes.len() as u64)
            .to_le_bytes()
            .iter()
            .chain(bytes.iter())
        {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    pub fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_separates_parts_and_is_stable() {
        assert_ne!(
            Fnv::new().part("ab").part("c").hex(),
            Fnv::new().part("a").part("bc").hex()
        );
        assert_eq!(Fnv::new().part("x").hex(), Fnv::new().part("x").hex());
        assert_eq!(Fnv::new().hex(), "cbf29ce484222325");
    }
}
