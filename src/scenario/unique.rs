//! Maps whose keys must be unique. TOML rejects a repeated key when it parses; JSON does not,
//! and serde would keep the last value, so `{"special": 100, "special": 120}` would silently
//! become 120 plans. Every map of a scenario reads through [`map`], which makes a repeated key
//! an error naming the key (serde_path_to_error adds the field). So is one financial year
//! written two ways (`"2025-26"` and `"2025/26"`), which would otherwise keep one of the two
//! values, or add them, depending on the field.

use super::year::FinancialYear;
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The message for a key given twice in one map.
pub(crate) fn repeated(key: &str) -> String {
    format!("the key {key:?} is given more than once; give each key once")
}

/// Why `key` cannot join a map already holding `keys`: given before, or the same financial
/// year as one given before. None if it can.
pub(crate) fn clash<'a>(mut keys: impl Iterator<Item = &'a String>, key: &str) -> Option<String> {
    let year = FinancialYear::parse(key);
    keys.find_map(|k| {
        if k == key {
            Some(repeated(key))
        } else if year.is_some() && FinancialYear::parse(k) == year {
            Some(format!(
                "the year {} is given twice, as {k:?} and {key:?}; give each year once",
                year.map(|y| y.label()).unwrap_or_default()
            ))
        } else {
            None
        }
    })
}

/// Read a map of string keys, failing on the first repeated key (or year).
pub(crate) fn map<'de, D, T>(d: D) -> Result<IndexMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = IndexMap<String, T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a table of names to values")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            let mut m = IndexMap::new();
            while let Some(k) = a.next_key::<String>()? {
                if let Some(why) = clash(m.keys(), &k) {
                    return Err(de::Error::custom(why));
                }
                let v = a.next_value::<T>()?;
                m.insert(k, v);
            }
            Ok(m)
        }
    }
    d.deserialize_map(V(PhantomData))
}
