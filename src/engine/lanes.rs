//! Buffers of lane arrays (`[f64; L]`, one model per lane) that start on a 64-byte boundary.
//!
//! A 16-lane array of `f64` is two 64-byte vectors (AVX-512). In a plain `Vec` it is aligned
//! only to 8 bytes, so where the allocator happens to place the buffer decides whether each
//! vector load and store straddles two cache lines. On the Intel machine measured, that moved
//! the simulation kernel's time by half from one run of the same binary to the next
//! (0.057–0.059 µs a path aligned, 0.086–0.106 µs not; see `docs/performance.md`, round 7).
//! [`LaneVec`] is a `Vec` whose memory starts on a 64-byte boundary (from the `aligned-vec`
//! crate), so every 16- or 8-lane array in it starts on one too. Alignment changes where values
//! are kept, never their arithmetic: results are bit-identical either way.

use aligned_vec::{AVec, ConstAlign};
use std::ops::{Deref, DerefMut};

/// Bytes a [`LaneVec`]'s memory is aligned to: one cache line, one 512-bit vector.
pub const LANE_ALIGN: usize = 64;

/// A growable buffer, like `Vec<T>`, whose first element starts on a [`LANE_ALIGN`]-byte
/// boundary. It dereferences to `[T]`.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneVec<T>(AVec<T, ConstAlign<LANE_ALIGN>>);

impl<T> LaneVec<T> {
    /// An empty buffer.
    pub fn new() -> Self {
        LaneVec(AVec::new(LANE_ALIGN))
    }

    /// Remove every element, keeping the memory.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<T: Clone> LaneVec<T> {
    /// `n` copies of `value`.
    pub fn filled(value: T, n: usize) -> Self {
        let mut v = Self::new();
        v.resize(n, value);
        v
    }

    /// Make the buffer `n` long, cutting it or adding copies of `value`.
    pub fn resize(&mut self, n: usize, value: T) {
        self.0.resize(n, value);
    }
}

impl<T> Default for LaneVec<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Deref for LaneVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> DerefMut for LaneVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T> FromIterator<T> for LaneVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        LaneVec(AVec::from_iter(LANE_ALIGN, iter))
    }
}

impl<T> Extend<T> for LaneVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.0.reserve(iter.size_hint().0);
        for x in iter {
            self.0.push(x);
        }
    }
}

impl<'a, T> IntoIterator for &'a LaneVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut LaneVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_way_of_building_starts_on_the_boundary() {
        let aligned = |p: *const [f64; 16]| (p as usize).is_multiple_of(LANE_ALIGN);
        let mut v = LaneVec::filled([1.0; 16], 7);
        assert!(aligned(v.as_ptr()));
        assert_eq!(v.len(), 7);
        assert!(v.iter().all(|x| *x == [1.0; 16]));
        v.clear();
        v.extend((0..100).map(|i| [f64::from(i); 16]));
        assert!(aligned(v.as_ptr()));
        assert_eq!(v[99], [99.0; 16]);
        let w: LaneVec<[f64; 16]> = (0..3).map(|i| [f64::from(i); 16]).collect();
        assert!(aligned(w.as_ptr()));
        assert!(aligned(w.clone().as_ptr()));
        assert_eq!(w.clone(), w);
        let mut u: LaneVec<u16> = LaneVec::default();
        u.resize(5, 2);
        assert!((u.as_ptr() as usize).is_multiple_of(LANE_ALIGN));
        assert_eq!(&u[..], &[2; 5]);
    }
}
