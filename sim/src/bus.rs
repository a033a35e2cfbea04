//! A memory that answers the unit's frame bus, and the deterministic RNG
//! shared by the bus and the random core.
//!
//! Protocol (SPEC "Ports": `mem_*`; notes §4): the unit holds a request
//! (`mem_valid`, `mem_we`, `mem_addr`, `mem_wdata`) until it is answered.
//! A request present in cycle *c* and answered with `mem_ready` in cycle
//! *c* completes at the edge that ends cycle *c*; for a read, `mem_rdata`
//! is returned in that same cycle; `mem_err` counts only with `mem_ready`.
//!
//! Use per cycle: [`Memory::respond`] with the unit's outputs of the cycle
//! gives the bus inputs; after the edge, [`Memory::clock`] with the same
//! outputs and answer commits a write (when `ready && !err`), logs the
//! access and moves the wait counter. `respond` may be called several
//! times in one cycle: it returns the same answer until `clock`.
//!
//! The memory does not see `reset`: a write answered in a cycle where the
//! unit is reset is still committed and logged, as a real memory would.

use ptu_arch::Outputs;
use std::collections::HashMap;

/// A small deterministic RNG: xorshift64* (Vigna), seeded through
/// splitmix64 so that every seed, including 0, gives a good stream.
pub mod rng {
    /// xorshift64* generator.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Rng {
        state: u64,
    }

    impl Rng {
        /// A generator for `seed` (any value).
        pub fn new(seed: u64) -> Self {
            // splitmix64 step: spreads the seed, never yields 0 state for
            // the seeds that matter; guard anyway.
            let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            Rng {
                state: if z == 0 { 0x2545_f491_4f6c_dd1d } else { z },
            }
        }

        /// The next 64 random bits.
        pub fn next_u64(&mut self) -> u64 {
            let mut x = self.state;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.state = x;
            x.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        /// Uniform in `0..n` (`n` > 0).
        pub fn below(&mut self, n: u64) -> u64 {
            assert!(n > 0, "Rng::below(0)");
            ((self.next_u64() as u128 * n as u128) >> 64) as u64
        }

        /// Uniform in `lo..=hi`.
        pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
            lo + self.below(hi - lo + 1)
        }

        /// Uniform in `[0, 1)`.
        pub fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }

        /// True with probability `p`.
        pub fn chance(&mut self, p: f64) -> bool {
            p > 0.0 && self.unit() < p
        }

        /// A fair coin.
        pub fn coin(&mut self) -> bool {
            self.next_u64() >> 63 == 1
        }

        /// One element of a non-empty slice.
        pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
            xs[self.below(xs.len() as u64) as usize]
        }
    }
}

use rng::Rng;

/// Wait states before each answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Every request waits this many cycles (0: answered in the cycle it
    /// first appears).
    Fixed(u32),
    /// Each request waits a random number of cycles in `0..=max`.
    Random { max: u32 },
}

/// One completed bus access (a cycle with `mem_valid && mem_ready`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub we: bool,
    pub addr: u64,
    /// Written data for a write; returned `mem_rdata` for a read.
    pub data: u64,
    /// Answered with `mem_err` (a write was not committed).
    pub err: bool,
}

/// The answer being prepared for the current request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pending {
    /// Cycles still to wait before `mem_ready`.
    wait: u32,
    /// The answer will be an error.
    err: bool,
}

/// Sparse memory of 64-bit words keyed by byte address (`mem_addr` as is;
/// unwritten words read 0), with wait states and error injection.
#[derive(Clone, Debug)]
pub struct Memory {
    pub words: HashMap<u64, u64>,
    pub wait: Wait,
    /// Answers (0-based, counted over the memory's life) that are errors.
    pub error_at: Vec<u64>,
    /// Probability that an answer is an error.
    pub error_prob: f64,
    /// Completed accesses, in order.
    pub log: Vec<Access>,
    /// Answers given so far.
    pub answers: u64,
    rng: Rng,
    pending: Option<Pending>,
}

impl Memory {
    /// A zero-wait, error-free memory; `seed` drives random waits/errors.
    pub fn new(seed: u64) -> Self {
        Memory {
            words: HashMap::new(),
            wait: Wait::Fixed(0),
            error_at: Vec::new(),
            error_prob: 0.0,
            log: Vec::new(),
            answers: 0,
            rng: Rng::new(seed),
            pending: None,
        }
    }

    /// The word at `addr` (0 if never written).
    pub fn read(&self, addr: u64) -> u64 {
        self.words.get(&addr).copied().unwrap_or(0)
    }

    /// Write a word directly (test set-up).
    pub fn write(&mut self, addr: u64, data: u64) {
        self.words.insert(addr, data);
    }

    /// The bus inputs for the current cycle, given the unit's outputs in
    /// this cycle: `(mem_ready, mem_rdata, mem_err)`. Without `mem_valid`:
    /// all 0. The first time a request is seen, its wait and error are
    /// drawn; repeated calls before [`Memory::clock`] return the same.
    pub fn respond(&mut self, out: &Outputs) -> (bool, u64, bool) {
        if !out.mem_valid {
            return (false, 0, false);
        }
        let p = match self.pending {
            Some(p) => p,
            None => {
                let wait = match self.wait {
                    Wait::Fixed(n) => n,
                    Wait::Random { max } => self.rng.below(max as u64 + 1) as u32,
                };
                // The error is decided for the answer this request will
                // get, which is answer number `self.answers`.
                let err = self.error_at.contains(&self.answers) || self.rng.chance(self.error_prob);
                let p = Pending { wait, err };
                self.pending = Some(p);
                p
            }
        };
        if p.wait > 0 {
            return (false, 0, false);
        }
        let rdata = if out.mem_we || p.err {
            0
        } else {
            self.read(out.mem_addr)
        };
        (true, rdata, p.err)
    }

    /// The edge that ends the cycle: with `ready`, the access completes
    /// (logged; a write without `err` is stored) and the next request
    /// draws a new wait; without it, a pending request waits one cycle
    /// less. A cycle without `mem_valid` drops any prepared answer.
    pub fn clock(&mut self, out: &Outputs, ready: bool, err: bool) {
        if !out.mem_valid {
            self.pending = None;
            return;
        }
        if ready {
            let data = if out.mem_we {
                if !err {
                    self.words.insert(out.mem_addr, out.mem_wdata);
                }
                out.mem_wdata
            } else if err {
                0
            } else {
                self.read(out.mem_addr)
            };
            self.log.push(Access {
                we: out.mem_we,
                addr: out.mem_addr,
                data,
                err,
            });
            self.answers += 1;
            self.pending = None;
        } else if let Some(p) = &mut self.pending {
            p.wait = p.wait.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(we: bool, addr: u64, data: u64) -> Outputs {
        Outputs {
            busy: true,
            mem_valid: true,
            mem_we: we,
            mem_addr: addr,
            mem_wdata: data,
            ..Outputs::default()
        }
    }

    #[test]
    fn rng_is_deterministic_and_spread() {
        let mut a = Rng::new(0);
        let mut b = Rng::new(0);
        let xs: Vec<u64> = (0..100).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..100).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|&x| x != 0));
        let mut c = Rng::new(1);
        assert_ne!(c.next_u64(), xs[0]);
        let mut hits = [0u32; 4];
        for _ in 0..4000 {
            hits[c.below(4) as usize] += 1;
        }
        assert!(hits.iter().all(|&h| h > 800), "{hits:?}");
    }

    #[test]
    fn fixed_wait_and_write_read() {
        let mut m = Memory::new(1);
        m.wait = Wait::Fixed(2);
        let w = req(true, 0x100, 42);
        let mut cycles = 0;
        loop {
            let (r, _, e) = m.respond(&w);
            assert_eq!(m.respond(&w), (r, 0, e), "respond is repeatable");
            m.clock(&w, r, e);
            cycles += 1;
            if r {
                break;
            }
        }
        assert_eq!(cycles, 3);
        assert_eq!(m.read(0x100), 42);
        m.wait = Wait::Fixed(0);
        let rd = req(false, 0x100, 0);
        assert_eq!(m.respond(&rd), (true, 42, false));
        m.clock(&rd, true, false);
        assert_eq!(
            m.log,
            vec![
                Access {
                    we: true,
                    addr: 0x100,
                    data: 42,
                    err: false
                },
                Access {
                    we: false,
                    addr: 0x100,
                    data: 42,
                    err: false
                },
            ]
        );
        // No request: no answer.
        assert_eq!(m.respond(&Outputs::default()), (false, 0, false));
    }

    #[test]
    fn error_injection() {
        let mut m = Memory::new(3);
        m.error_at = vec![1];
        for i in 0..3u64 {
            let w = req(true, 8 * i, i + 1);
            let (r, d, e) = m.respond(&w);
            assert!(r && d == 0);
            assert_eq!(e, i == 1);
            m.clock(&w, r, e);
        }
        assert_eq!(m.read(8), 0, "an error commits nothing");
        assert_eq!(m.read(16), 3);
        assert!(m.log[1].err);
        let mut m = Memory::new(4);
        m.error_prob = 0.5;
        m.wait = Wait::Random { max: 3 };
        let (mut errs, mut answers) = (0, 0);
        for _ in 0..4000 {
            let w = req(false, 0, 0);
            let (r, _, e) = m.respond(&w);
            m.clock(&w, r, e);
            answers += r as u32;
            errs += e as u32;
        }
        assert!(answers > 1000 && answers < 2600, "{answers}");
        assert!(
            errs * 3 > answers && errs * 3 < 2 * answers,
            "{errs}/{answers}"
        );
    }
}
