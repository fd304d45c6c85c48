//! The one source of generated ids (query ids, query definition ids, export task ids, ...).
//!
//! Ids are random, except while a journaled write runs: then the source is seeded with a
//! number the journal records, so replaying the write at startup generates the same ids and
//! every id handed out before a restart still names the same resource after it.

use parking_lot::Mutex;

/// Generates resource ids; see the module docs.
#[derive(Debug, Default)]
pub struct IdSource {
    /// `(seed, ids generated since seeding)` while seeded.
    seeded: Mutex<Option<(u64, u64)>>,
}

impl IdSource {
    /// A fresh id in the UUID form AWS uses (version 4 layout).
    pub fn uuid(&self) -> String {
        uuid::Builder::from_random_bytes(self.bytes())
            .into_uuid()
            .to_string()
    }

    /// 16 fresh bytes, random or (while seeded) a function of the seed, for ids of another
    /// form than a UUID.
    pub fn bytes(&self) -> [u8; 16] {
        let mut seeded = self.seeded.lock();
        let Some((seed, count)) = seeded.as_mut() else {
            return uuid::Uuid::new_v4().into_bytes();
        };
        *count += 1;
        let high = splitmix64(*seed ^ count.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let low = splitmix64(high ^ *seed);
        ((u128::from(high) << 64) | u128::from(low)).to_be_bytes()
    }

    /// Makes the ids that follow a function of `seed` alone, until [`Self::unseed`].
    pub fn seed(&self, seed: u64) {
        *self.seeded.lock() = Some((seed, 0));
    }

    /// Back to random ids.
    pub fn unseed(&self) {
        *self.seeded.lock() = None;
    }
}

/// A fresh random seed for [`IdSource::seed`].
pub fn random_seed() -> u64 {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes(bytes[..8].try_into().expect("eight bytes"))
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_gives_the_same_ids_again_and_unseeded_ids_differ() {
        let ids = IdSource::default();
        ids.seed(42);
        let first = (ids.uuid(), ids.uuid());
        ids.seed(42);
        assert_eq!(first, (ids.uuid(), ids.uuid()));
        assert_ne!(first.0, first.1);
        assert!(uuid::Uuid::parse_str(&first.0).is_ok());
        ids.unseed();
        assert_ne!(ids.uuid(), ids.uuid());
    }
}
