//! `--shard K/N`: split a run's files across N CI jobs by a stable hash of each file's path
//! (as shown, relative to the working directory), so the N jobs together lint every file
//! exactly once and a file stays in the same shard from run to run (and keeps its cache).

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let usage = || format!("`{s}` is not a shard: expected K/N with 1 <= K <= N, e.g. 2/4");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let index: u64 = k.trim().parse().map_err(|_| usage())?;
        let count: u64 = n.trim().parse().map_err(|_| usage())?;
        if index == 0 || count == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the file shown as `path` belongs to this shard.
    pub fn contains(&self, path: &str) -> bool {
        let h = crate::content_hash::content_hash(path.as_bytes());
        (h % u128::from(self.count)) as u64 == self.index - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_k_of_n_and_rejects_the_rest() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "1", "a/b", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_path_is_in_exactly_one_shard() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        let mut sizes = [0; 3];
        for i in 0..300 {
            let p = format!("emails/t{i}.html");
            let owners: Vec<usize> = (0..3).filter(|&s| shards[s].contains(&p)).collect();
            assert_eq!(owners.len(), 1, "{p}");
            sizes[owners[0]] += 1;
        }
        // A hash, not a count: each shard gets a fair share.
        assert!(sizes.iter().all(|&n| n > 60), "{sizes:?}");
    }
}
