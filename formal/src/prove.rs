//! `prove`: emit the design (or a mutant of it), write the wrapper, and
//! settle each property with its engines, several properties at a time.

use crate::engines::{self, Finding};
use crate::mutants::{self, Mutant};
use crate::properties::{Engine, Property};
use crate::wrapper;
use anyhow::{Context, Result};
use ptu_arch::PtuConfig;
use std::collections::VecDeque;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// What to prove, and where to write.
#[derive(Clone, Debug)]
pub struct Options {
    /// The configuration whose emitted Verilog is proven.
    pub config: PtuConfig,
    /// Prove a mutant of it instead.
    pub mutant: Option<&'static Mutant>,
    /// The properties, in order.
    pub properties: Vec<&'static Property>,
    /// Work folder: `<work>/<design>/` gets `ptu.v`, `ptu_formal.v` and a
    /// folder per property with its models and logs.
    pub work: PathBuf,
    /// Counterexamples go to `<waves>/prove-<design>-<property>.vcd`.
    pub waves: PathBuf,
    /// Properties proven at the same time.
    pub jobs: usize,
    /// Writes a GTKWave save file beside a counterexample VCD (opening on
    /// the whole counterexample) and returns its path; `ptu prove` passes
    /// `ptu_waveforms::write_gtkw`, which this crate does not depend on.
    pub save_file: Option<SaveFile>,
    /// Draw how many properties are settled, and the time left, on stderr
    /// (only if it is a terminal).
    pub progress: bool,
}

/// See [`Options::save_file`].
pub type SaveFile = fn(&Path) -> Result<PathBuf>;

impl Options {
    /// Every property of the default configuration, into `build/formal`
    /// and `waveforms`, one job per CPU.
    pub fn new() -> Self {
        Self {
            config: PtuConfig::default(),
            mutant: None,
            properties: crate::properties::PROPERTIES.iter().collect(),
            work: PathBuf::from("build/formal"),
            waves: PathBuf::from("waveforms"),
            jobs: default_jobs(),
            save_file: None,
            progress: false,
        }
    }

    /// `ptu` or `mutant-<name>`: names the work folder and the VCDs.
    pub fn design(&self) -> String {
        match self.mutant {
            Some(m) => format!("mutant-{}", m.name),
            None => "ptu".into(),
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Self::new()
    }
}

/// One job per CPU.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How a property was settled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Holds in every reachable state; `how` names the engine.
    Proven { how: String },
    /// No counterexample of up to `depth` cycles (BMC); not a proof.
    Bounded { depth: u32 },
    /// Fails: a counterexample of `cycles` cycles, written to `vcd`.
    Failed {
        engine: String,
        cycles: u32,
        vcd: PathBuf,
        /// The wrapper's failing assertions (`ptu_formal.v:LINE`).
        asserts: Vec<String>,
        /// The GTKWave save file beside `vcd`, if one was written
        /// ([`Options::save_file`]).
        gtkw: Option<PathBuf>,
    },
    /// No engine settled it.
    Unknown { why: String },
}

/// The result for one property.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub property: &'static Property,
    pub verdict: Verdict,
    /// Wall time, models included.
    pub seconds: f64,
    /// Its folder (models, logs).
    pub dir: PathBuf,
}

/// The results of one `prove`.
#[derive(Clone, Debug)]
pub struct Report {
    /// `ptu` or `mutant-<name>`.
    pub design: String,
    pub mutant: Option<&'static Mutant>,
    pub config: PtuConfig,
    /// The design's folder.
    pub dir: PathBuf,
    pub jobs: usize,
    pub outcomes: Vec<Outcome>,
    pub seconds: f64,
}

impl Report {
    /// Every property proven.
    pub fn all_proven(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o.verdict, Verdict::Proven { .. }))
    }

    /// The outcomes that are failures (counterexamples).
    pub fn failures(&self) -> Vec<&Outcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::Failed { .. }))
            .collect()
    }

    /// The report as JSON, in the shape of [`JSON_SHAPE`].
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let count =
            |p: fn(&Verdict) -> bool| self.outcomes.iter().filter(|o| p(&o.verdict)).count();
        let path = |p: &Path| p.display().to_string();
        let properties: Vec<_> = self
            .outcomes
            .iter()
            .map(|o| {
                let mut v = json!({
                    "id": o.property.id,
                    "title": o.property.title,
                    "verdict": o.verdict.word(),
                    "engine": null,
                    "depth": null,
                    "cycles": null,
                    "seconds": (o.seconds * 1000.0).round() / 1000.0,
                    "vcd": null,
                    "gtkw": null,
                    "asserts": [],
                    "why": null,
                });
                match &o.verdict {
                    Verdict::Proven { how } => v["engine"] = json!(how),
                    Verdict::Bounded { depth } => {
                        v["engine"] = json!("yosys-smtbmc BMC");
                        v["depth"] = json!(depth);
                    }
                    Verdict::Failed {
                        engine,
                        cycles,
                        vcd,
                        asserts,
                        gtkw,
                    } => {
                        v["engine"] = json!(engine);
                        v["cycles"] = json!(cycles);
                        v["vcd"] = json!(path(vcd));
                        v["gtkw"] = json!(gtkw.as_deref().map(path));
                        v["asserts"] = json!(asserts);
                    }
                    Verdict::Unknown { why } => v["why"] = json!(why),
                }
                v
            })
            .collect();
        json!({
            "design": self.design,
            "config": self.config.describe(),
            "mutant": self.mutant.map(|m| json!({"name": m.name, "bug": m.bug, "breaks": m.breaks})),
            "jobs": self.jobs,
            "seconds": (self.seconds * 1000.0).round() / 1000.0,
            "proven": count(|v| matches!(v, Verdict::Proven { .. })),
            "bounded": count(|v| matches!(v, Verdict::Bounded { .. })),
            "failed": count(|v| matches!(v, Verdict::Failed { .. })),
            "unknown": count(|v| matches!(v, Verdict::Unknown { .. })),
            "properties": properties,
        })
    }

    /// The outcome of property `id`.
    pub fn outcome(&self, id: &str) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.property.id == id)
    }
}

impl Verdict {
    /// `proven`, `bounded`, `failed` or `unknown`.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Proven { .. } => "proven",
            Verdict::Bounded { .. } => "bounded",
            Verdict::Failed { .. } => "failed",
            Verdict::Unknown { .. } => "unknown",
        }
    }
}

/// The shape of `ptu prove --json`, as `ptu prove --help` shows it.
pub const JSON_SHAPE: &str = r#"With --json, stdout is one JSON document:
  {"design": "ptu", "config": "xlen=64 reset_rip=0x0", "mutant": null,
   "jobs": 2, "seconds": 41.2, "proven": 10, "bounded": 0, "failed": 0,
   "unknown": 0,
   "properties": [{"id": "P1", "title": "...", "verdict": "proven",
                   "engine": "ABC pdr, unbounded", "depth": null,
                   "cycles": null, "seconds": 3.1, "vcd": null,
                   "gtkw": null, "asserts": [], "why": null}]}
  "verdict" is proven, bounded (no counterexample up to "depth" cycles),
  failed ("cycles": the counterexample's length, "vcd" and "gtkw" its
  waveform and GTKWave save file, "asserts" the failing assertions) or
  unknown ("why"). A mutant is {"name", "bug", "breaks"}."#;

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Proven { how } => write!(f, "proven ({how})"),
            Verdict::Bounded { depth } => write!(f, "bounded: no counterexample in {depth} cycles"),
            Verdict::Failed {
                engine,
                cycles,
                vcd,
                ..
            } => write!(
                f,
                "FAILED: counterexample of {cycles} cycles ({engine}), {}",
                vcd.display()
            ),
            Verdict::Unknown { why } => write!(f, "UNKNOWN: {why}"),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "ptu prove: {} ({}), {} properties, {} jobs, work folder {}",
            self.design,
            self.config.describe(),
            self.outcomes.len(),
            self.jobs,
            self.dir.display()
        )?;
        if let Some(m) = self.mutant {
            writeln!(
                f,
                "  mutant {}: {} (should break {})",
                m.name, m.bug, m.breaks
            )?;
        }
        for o in &self.outcomes {
            let name = format!("{} {}", o.property.id, o.property.title);
            writeln!(f, "  {name:<48} {:>6.1} s  {}", o.seconds, o.verdict)?;
            if let Verdict::Failed {
                asserts,
                vcd,
                cycles,
                gtkw,
                ..
            } = &o.verdict
            {
                for a in asserts {
                    writeln!(
                        f,
                        "      failing assertion: {}",
                        assertion_text(&self.dir, a)
                    )?;
                }
                // The assertion fails in the counterexample's last cycle.
                let last = u64::from(cycles.saturating_sub(1));
                writeln!(f, "      look: {}", ptu_tools::wave_command(vcd, last))?;
                if let Some(g) = gtkw {
                    writeln!(f, "      in GTKWave: gtkwave {}", g.display())?;
                }
            }
        }
        let count =
            |p: fn(&Verdict) -> bool| self.outcomes.iter().filter(|o| p(&o.verdict)).count();
        write!(
            f,
            "{} proven, {} bounded, {} failed, {} unknown in {:.1} s",
            count(|v| matches!(v, Verdict::Proven { .. })),
            count(|v| matches!(v, Verdict::Bounded { .. })),
            count(|v| matches!(v, Verdict::Failed { .. })),
            count(|v| matches!(v, Verdict::Unknown { .. })),
            self.seconds
        )
    }
}

/// `ptu_formal.v:288` and the text of that line of the wrapper. Yosys
/// places an assertion that opens a `begin` block on the `begin` line:
/// then the assertion is the next line with an `assert`, and that line's
/// number is given.
fn assertion_text(dir: &Path, loc: &str) -> String {
    let text = std::fs::read_to_string(dir.join("ptu_formal.v")).unwrap_or_default();
    assertion_in(&text, loc)
}

/// [`assertion_text`] in the wrapper's text.
fn assertion_in(wrapper: &str, loc: &str) -> String {
    let Some((file, n)) = loc
        .rsplit_once(':')
        .and_then(|(f, n)| Some((f, n.parse::<usize>().ok()?.checked_sub(1)?)))
    else {
        return loc.to_string();
    };
    let lines: Vec<&str> = wrapper.lines().collect();
    let Some(line) = lines.get(n) else {
        return loc.to_string();
    };
    if !line.contains("assert") && line.trim_end().ends_with("begin") {
        if let Some(k) = (n + 1..lines.len().min(n + 4)).find(|&k| lines[k].contains("assert(")) {
            return format!("{file}:{}: {}", k + 1, lines[k].trim());
        }
    }
    format!("{loc}: {}", line.trim())
}

/// Proves `o.properties` on the emitted design (or its mutant).
pub fn prove(o: &Options) -> Result<Report> {
    let start = Instant::now();
    engines::check_tools()?;
    let design = o.design();
    let dir = write_design(o)?;
    std::fs::create_dir_all(&o.waves)
        .with_context(|| format!("cannot create the waveform folder {}", o.waves.display()))?;
    let waves = absolute(&o.waves)?;

    let queue: Mutex<VecDeque<(usize, &'static Property)>> =
        Mutex::new(o.properties.iter().copied().enumerate().collect());
    let results: Mutex<Vec<(usize, Result<Outcome>)>> = Mutex::new(Vec::new());
    let progress = Mutex::new(ptu_tools::progress::Progress::new(
        format!("prove {design}"),
        o.properties.len() as u64,
        "properties",
        o.progress,
    ));
    progress.lock().unwrap().set(0);
    std::thread::scope(|s| {
        for _ in 0..o.jobs.clamp(1, o.properties.len().max(1)) {
            s.spawn(|| loop {
                let next = queue.lock().unwrap().pop_front();
                let Some((i, p)) = next else { break };
                let vcd = waves.join(format!("prove-{design}-{}.vcd", p.id));
                let r = settle(&dir.join(p.id), p, &vcd, o.save_file);
                let mut done = results.lock().unwrap();
                done.push((i, r));
                progress.lock().unwrap().set(done.len() as u64);
            });
        }
    });
    progress.into_inner().unwrap().clear();
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    let outcomes = results
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Result<Vec<_>>>()?;
    Ok(Report {
        design,
        mutant: o.mutant,
        config: o.config,
        dir,
        jobs: o.jobs,
        outcomes,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// Writes `<work>/<design>/ptu.v` (the emitted design of `o.config`, or
/// its mutant), `ptu_formal.v` (the wrapper for `o.config`) and
/// `connect.ys` (the commands that connect its observed state); returns
/// that folder. Each property's
/// models are built in a subfolder of it ([`engines::build_model`]).
pub fn write_design(o: &Options) -> Result<PathBuf> {
    let dir = o.work.join(o.design());
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the work folder {}", dir.display()))?;
    let mut verilog = ptu_rtl::verilog::emit(&o.config)?;
    if let Some(m) = o.mutant {
        verilog = mutants::apply(&verilog, m)?;
    }
    let connect = wrapper::connect_commands_for(&o.config)?.join("\n") + "\n";
    for (name, text) in [
        ("ptu.v", verilog),
        ("ptu_formal.v", wrapper::wrapper_for(&o.config)?),
        (crate::engines::CONNECT_SCRIPT, connect),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(dir)
}

fn absolute(p: &Path) -> Result<PathBuf> {
    if p.is_absolute() {
        Ok(p.to_path_buf())
    } else {
        Ok(std::env::current_dir()
            .context("cannot read the current folder")?
            .join(p))
    }
}

/// Builds the models of `p` in `dir` and runs its engines in order until
/// one settles it.
fn settle(
    dir: &Path,
    p: &'static Property,
    vcd: &Path,
    save_file: Option<SaveFile>,
) -> Result<Outcome> {
    let start = Instant::now();
    let model = engines::build_model(dir, p.id)?;
    let mut notes = Vec::new();
    let mut verdict = None;
    for engine in p.plan {
        let v = match *engine {
            Engine::Pdr { timeout_s } => match engines::pdr(&model, timeout_s)? {
                Finding::Proven => Some(Verdict::Proven {
                    how: "ABC pdr, unbounded".into(),
                }),
                Finding::Cex(frame) => {
                    let asserts = engines::replay(&model, vcd)
                        .with_context(|| format!("replaying ABC's counterexample of {}", p.id))?;
                    Some(Verdict::Failed {
                        engine: "ABC pdr, trace by yosys-smtbmc".into(),
                        cycles: frame + 1,
                        vcd: vcd.to_path_buf(),
                        asserts,
                        gtkw: None,
                    })
                }
                f => {
                    notes.push(format!("{engine}: {}", finding_note(&f)));
                    None
                }
            },
            Engine::KInduction { k } => match engines::k_induction(&model, k, vcd)? {
                (Finding::Proven, _) => Some(Verdict::Proven {
                    how: format!("k-induction, k = {k}"),
                }),
                (Finding::Cex(step), asserts) => Some(Verdict::Failed {
                    engine: "yosys-smtbmc BMC (base case)".into(),
                    cycles: step + 1,
                    vcd: vcd.to_path_buf(),
                    asserts,
                    gtkw: None,
                }),
                (f, _) => {
                    notes.push(format!("{engine}: {}", finding_note(&f)));
                    None
                }
            },
            Engine::Bmc { depth } => match engines::bmc(&model, depth, vcd)? {
                (Finding::Bounded(d), _) => Some(Verdict::Bounded { depth: d }),
                (Finding::Cex(step), asserts) => Some(Verdict::Failed {
                    engine: "yosys-smtbmc BMC".into(),
                    cycles: step + 1,
                    vcd: vcd.to_path_buf(),
                    asserts,
                    gtkw: None,
                }),
                (f, _) => {
                    notes.push(format!("{engine}: {}", finding_note(&f)));
                    None
                }
            },
        };
        if v.is_some() {
            verdict = v;
            break;
        }
    }
    if let (Some(Verdict::Failed { vcd, gtkw, .. }), Some(write)) = (&mut verdict, save_file) {
        *gtkw = Some(write(vcd).with_context(|| {
            format!("writing the GTKWave save file of {}'s counterexample", p.id)
        })?);
    }
    Ok(Outcome {
        property: p,
        verdict: verdict.unwrap_or(Verdict::Unknown {
            why: notes.join("; "),
        }),
        seconds: start.elapsed().as_secs_f64(),
        dir: dir.to_path_buf(),
    })
}

fn finding_note(f: &Finding) -> String {
    match f {
        Finding::Unknown(why) => why.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_assertion_placed_on_its_begin_line_is_shown_from_the_next_line() {
        let w = "x\n    always @* if (!init) begin\n        assert(a);\n        if (b) assert(c);\n        else begin\n            assert(d);\n        end\n";
        assert_eq!(
            assertion_in(w, "ptu_formal.v:2"),
            "ptu_formal.v:3: assert(a);"
        );
        assert_eq!(
            assertion_in(w, "ptu_formal.v:4"),
            "ptu_formal.v:4: if (b) assert(c);"
        );
        assert_eq!(
            assertion_in(w, "ptu_formal.v:5"),
            "ptu_formal.v:6: assert(d);"
        );
        assert_eq!(assertion_in(w, "ptu_formal.v:1"), "ptu_formal.v:1: x");
        assert_eq!(assertion_in(w, "ptu_formal.v:99"), "ptu_formal.v:99");
        assert_eq!(assertion_in(w, "nowhere"), "nowhere");
    }

    #[test]
    fn a_failed_property_says_how_to_look_at_its_counterexample() {
        let report = Report {
            design: "ptu".into(),
            mutant: None,
            config: PtuConfig::default(),
            dir: PathBuf::from("build/formal/ptu"),
            jobs: 1,
            outcomes: vec![Outcome {
                property: &crate::properties::PROPERTIES[0],
                verdict: Verdict::Failed {
                    engine: "pdr".into(),
                    cycles: 4,
                    vcd: PathBuf::from("waveforms/prove-ptu-P1.vcd"),
                    asserts: vec!["ptu_formal.v:12".into()],
                    gtkw: Some(PathBuf::from("waveforms/prove-ptu-P1.gtkw")),
                },
                seconds: 1.0,
                dir: PathBuf::from("build/formal/ptu/P1"),
            }],
            seconds: 1.0,
        };
        let text = report.to_string();
        assert!(
            text.contains(
                "      look: ptu wave waveforms/prove-ptu-P1.vcd --from 0 --to 8   (a picture: \
                 ptu wave waveforms/prove-ptu-P1.vcd --from 0 --to 8 --svg waveforms/prove-ptu-P1.svg)"
            ),
            "{text}"
        );
        assert!(
            text.contains("\n      in GTKWave: gtkwave waveforms/prove-ptu-P1.gtkw\n"),
            "{text}"
        );
        let j = report.to_json();
        assert_eq!(j["failed"], 1);
        assert_eq!(j["proven"], 0);
        let p = &j["properties"][0];
        assert_eq!(p["id"], "P1");
        assert_eq!(p["verdict"], "failed");
        assert_eq!(p["engine"], "pdr");
        assert_eq!(p["cycles"], 4);
        assert_eq!(p["vcd"], "waveforms/prove-ptu-P1.vcd");
        assert_eq!(p["gtkw"], "waveforms/prove-ptu-P1.gtkw");
        assert_eq!(p["asserts"][0], "ptu_formal.v:12");
        assert!(p["depth"].is_null() && p["why"].is_null());
    }
}
