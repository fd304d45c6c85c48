//! The hashing functions of Logs Insights (the "Hashing functions" page): `md5(text)` and
//! `sha256(text)`, as lowercase hex. Both digests are written out here (RFC 1321, FIPS 180-4)
//! rather than pulled in as crates: the emulator needs their output only, and the tests pin
//! them to the standards' test vectors.

use std::fmt::Write;
use std::sync::LazyLock;

/// The MD5 digest of `text`'s UTF-8 bytes, as 32 lowercase hex digits.
pub fn md5_hex(text: &str) -> String {
    const SHIFTS: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
    // K[i] = floor(|sin(i + 1)| * 2^32) (RFC 1321, 3.4), computed once.
    static TABLE: LazyLock<Vec<u32>> = LazyLock::new(|| {
        (0..64)
            .map(|i| (((i + 1) as f64).sin().abs() * 4_294_967_296.0) as u32)
            .collect()
    });
    let table = &*TABLE;
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for block in padded(text.as_bytes(), false).chunks_exact(64) {
        let words: Vec<u32> = block
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a
                .wrapping_add(f)
                .wrapping_add(table[i])
                .wrapping_add(words[g])
                .rotate_left(SHIFTS[(i / 16) * 4 + i % 4]);
            (a, d, c) = (d, c, b);
            b = b.wrapping_add(rotated);
        }
        for (slot, value) in state.iter_mut().zip([a, b, c, d]) {
            *slot = slot.wrapping_add(value);
        }
    }
    hex(state.iter().flat_map(|w| w.to_le_bytes()))
}

/// The SHA-256 digest of `text`'s UTF-8 bytes, as 64 lowercase hex digits.
pub fn sha256_hex(text: &str) -> String {
    // The first 32 bits of the fractional parts of the first 64 primes' cube roots (the round
    // constants) and of the first 8 primes' square roots (the initial state), computed once.
    static CONSTANTS: LazyLock<(Vec<u32>, Vec<u32>)> = LazyLock::new(|| {
        let primes: Vec<u32> = (2u32..)
            .filter(|n| (2..*n).take_while(|d| d * d <= *n).all(|d| n % d != 0))
            .take(64)
            .collect();
        let fraction = |x: f64| ((x - x.floor()) * 4_294_967_296.0) as u32;
        let rounds = primes
            .iter()
            .map(|&p| fraction(f64::from(p).cbrt()))
            .collect();
        let initial = primes[..8]
            .iter()
            .map(|&p| fraction(f64::from(p).sqrt()))
            .collect();
        (rounds, initial)
    });
    let (rounds, initial) = &*CONSTANTS;
    let mut state = initial.clone();
    for block in padded(text.as_bytes(), true).chunks_exact(64) {
        let mut schedule = [0u32; 64];
        for (slot, w) in schedule.iter_mut().zip(block.chunks_exact(4)) {
            *slot = u32::from_be_bytes([w[0], w[1], w[2], w[3]]);
        }
        for i in 16..64 {
            let (x, y) = (schedule[i - 15], schedule[i - 2]);
            let s0 = x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3);
            let s1 = y.rotate_right(17) ^ y.rotate_right(19) ^ (y >> 10);
            schedule[i] = schedule[i - 16]
                .wrapping_add(s0)
                .wrapping_add(schedule[i - 7])
                .wrapping_add(s1);
        }
        let mut v = [0u32; 8];
        v.copy_from_slice(&state);
        for i in 0..64 {
            let [a, b, c, d, e, f, g, h] = v;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let choice = (e & f) ^ (!e & g);
            let t1 = h
                .wrapping_add(s1)
                .wrapping_add(choice)
                .wrapping_add(rounds[i])
                .wrapping_add(schedule[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let majority = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(majority);
            v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (slot, value) in state.iter_mut().zip(v) {
            *slot = slot.wrapping_add(value);
        }
    }
    hex(state.iter().flat_map(|w| w.to_be_bytes()))
}

/// `bytes`, a 1 bit, zeros to 56 bytes mod 64, then the bit length in 8 bytes (big-endian
/// for SHA-256, little-endian for MD5).
fn padded(bytes: &[u8], big_endian: bool) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.push(0x80);
    while out.len() % 64 != 56 {
        out.push(0);
    }
    let bits = (bytes.len() as u64).wrapping_mul(8);
    out.extend(if big_endian {
        bits.to_be_bytes()
    } else {
        bits.to_le_bytes()
    });
    out
}

fn hex(bytes: impl Iterator<Item = u8>) -> String {
    bytes.fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_the_rfc_1321_test_suite() {
        for (text, digest) in [
            ("", "d41d8cd98f00b204e9800998ecf8427e"),
            ("a", "0cc175b9c0f1b6a831c399e269772661"),
            ("abc", "900150983cd24fb0d6963f7d28e17f72"),
            ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
            (
                "abcdefghijklmnopqrstuvwxyz",
                "c3fcd3d76192e4007dfb496cca67e13b",
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "57edf4a22be3c955ac49da2e2107b67a",
            ),
        ] {
            assert_eq!(md5_hex(text), digest, "{text:?}");
        }
    }

    #[test]
    fn sha256_matches_the_fips_180_examples() {
        for (text, digest) in [
            (
                "",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
        ] {
            assert_eq!(sha256_hex(text), digest, "{text:?}");
        }
    }
}
