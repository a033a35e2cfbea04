//! `ptu bench synth --design soc`: a whole design (the SoC) measured on
//! each part, with the modules it keeps as its own (the core, the unit)
//! counted alone, and whether the critical path runs through them.

use super::*;

/// A design measured whole (`ptu bench synth --design soc`): its Verilog,
/// its top, and the modules counted alone (kept as their own), each with
/// a label.
#[derive(Clone, Debug)]
pub struct WholeDesign {
    pub name: String,
    pub top: String,
    pub verilog: String,
    /// (label, module): `("unit", "ptu_soc_board_soc_ptu")`.
    pub kept: Vec<(String, String)>,
}

/// A whole design on one part: its cells, each kept module's, its block
/// RAMs, and the place-and-route runs (or why the part cannot take it).
#[derive(Clone, Debug)]
pub struct WholeResult {
    pub part: Part,
    pub total: Area,
    pub block_rams: u64,
    /// The iCE40UP5K's single-port RAMs (`SB_SPRAM256KA`) it uses.
    pub sprams: u64,
    pub kept: Vec<(String, Area)>,
    pub runs: Vec<Run>,
    /// Why nextpnr could not place it (its first error line).
    pub does_not_fit: Option<String>,
    /// The median run's critical path goes through a kept module: its
    /// label.
    pub critical_through: Vec<String>,
}

/// Places `top.json` (in `dir`) on `part` with `seed`; `Ok(Err(line))` when
/// nextpnr stops with an error (the design does not fit): its `ERROR:` line.
fn place_whole(
    top: &str,
    part: &Part,
    nextpnr: &Path,
    dir: &Path,
    seed: u64,
) -> Result<std::result::Result<Run, String>> {
    // The whole design's critical path is described with the default
    // unit's ports (the SoC's unit).
    let ports = ptu_arch::PtuConfig::default().ports();
    Ok(
        place_top(top, &ports, part, nextpnr, dir, seed, None)?.map_err(|failed| {
            failed
                .output
                .lines()
                .find(|l| l.starts_with("ERROR:"))
                .map(|l| l.trim_start_matches("ERROR:").trim().to_string())
                .unwrap_or_else(|| {
                    format!(
                        "nextpnr failed ({}), log: {}",
                        failed.status_text(),
                        failed.log.display()
                    )
                })
        }),
    )
}

/// The instance paths of the nets on the critical path of a nextpnr
/// report (`"soc.ptu.rename_bank..."`).
fn critical_nets(report: &Value) -> Vec<String> {
    let mut nets = Vec::new();
    if let Some(paths) = report["critical_paths"].as_array() {
        for p in paths {
            if let Some(steps) = p["path"].as_array() {
                for st in steps {
                    for n in [&st["net"], &st["from"]["cell"], &st["to"]["cell"]] {
                        if let Some(n) = n.as_str() {
                            nets.push(n.to_string());
                        }
                    }
                }
            }
        }
    }
    nets
}

/// Measures the whole design `source` gives for each part's family:
/// synthesis (total, kept modules, block RAMs), then `seeds` place and
/// route runs where it fits.
pub fn measure_whole(
    source: &dyn Fn(Family) -> Result<WholeDesign>,
    parts: &[Part],
    seeds: u64,
    work: &Path,
    progress: &mut dyn FnMut(Event),
) -> Result<Vec<WholeResult>> {
    if seeds == 0 {
        bail!("--seeds must be at least 1");
    }
    let mut results = Vec::new();
    for part in parts {
        let (yosys, nextpnr) = tools_for(part.family)?;
        let d = source(part.family)?;
        let dir = work.join(format!("whole-{}", part.name));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::write(dir.join(format!("{}.v", d.top)), &d.verilog)?;
        progress(Event::Note(&format!(
            "synth {} for {}: yosys (log: {})",
            d.name,
            part.name,
            dir.join(format!("yosys-{}.log", d.top)).display()
        )));
        let keep: String = d
            .kept
            .iter()
            .map(|(_, m)| format!("setattr -mod -set keep_hierarchy 1 {m}\n"))
            .collect();
        let top = &d.top;
        // The iCE40 cells a design instantiates (the UP5K's SPRAM), known
        // before `hierarchy -check` as synth_ice40 knows them.
        let cells_lib = match part.family {
            Family::Ice40 => "read_verilog -lib +/ice40/cells_sim.v\n",
            Family::Ecp5 => "",
        };
        let script = format!(
            "{cells_lib}\
             read_verilog {top}.v\n\
             hierarchy -check -top {top}\n\
             {keep}\
             {} -top {top} -json {top}.json\n\
             stat\n",
            synth_command(part.family)
        );
        let log = run_yosys(part.family, &yosys, &dir, top, &script)?;
        let cells = report::yosys_cells(&log)?;
        let (_, bram, _) = report::site_names(part.family);
        let bram_cell = match part.family {
            Family::Ice40 => "SB_RAM40_4K",
            Family::Ecp5 => bram,
        };
        let mut kept = Vec::new();
        for (label, m) in &d.kept {
            let c = report::module_cells(&log, m)
                .ok_or_else(|| anyhow!("the Yosys log has no statistics of module {m}"))?;
            kept.push((label.clone(), Area::of(part.family, &c)));
        }
        progress(Event::Step);
        let mut runs = Vec::new();
        let mut does_not_fit = None;
        let mut critical_through = Vec::new();
        for seed in 1..=seeds {
            progress(Event::Note(&format!(
                "pnr {} on {} seed {seed}",
                d.name, part.name
            )));
            match place_whole(top, part, &nextpnr, &dir, seed)? {
                Ok(run) => runs.push(run),
                Err(why) => {
                    does_not_fit = Some(why);
                    progress(Event::Step);
                    break;
                }
            }
            progress(Event::Step);
        }
        if !runs.is_empty() {
            let mut f: Vec<f64> = runs.iter().map(|r| r.fmax_mhz).collect();
            let m = median(&mut f);
            let best = runs
                .iter()
                .min_by(|a, b| (a.fmax_mhz - m).abs().total_cmp(&(b.fmax_mhz - m).abs()))
                .expect("a run");
            let report = dir.join(format!("report-{top}-{}-{}.json", part.name, best.seed));
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&report)?)?;
            let nets = critical_nets(&v);
            for (label, m) in &d.kept {
                // A kept module's cells and nets are named by its instance
                // path (`soc.ptu.`); the parent's wires to its ports
                // (`soc.ptu_gs_wdata`) are not inside it.
                let inst = format!(
                    "{}.",
                    m.strip_prefix(&format!("{top}_"))
                        .unwrap_or(m)
                        .replace('_', ".")
                );
                if nets.iter().any(|n| n.starts_with(&inst)) {
                    critical_through.push(label.clone());
                }
            }
        }
        results.push(WholeResult {
            part: part.clone(),
            total: Area::of(part.family, &cells),
            block_rams: cells.get(bram_cell).copied().unwrap_or(0),
            sprams: cells.get("SB_SPRAM256KA").copied().unwrap_or(0),
            kept,
            runs,
            does_not_fit,
            critical_through,
        });
    }
    Ok(results)
}

/// The results of [`measure_whole`] as JSON.
pub fn whole_json(d: &str, results: &[WholeResult], seeds: u64) -> String {
    let parts: Vec<Value> = results
        .iter()
        .map(|r| {
            let mut f: Vec<f64> = r.runs.iter().map(|x| x.fmax_mhz).collect();
            json!({
                "part": r.part.name,
                "title": r.part.title,
                "total": r.total.to_json(),
                "block_rams": r.block_rams,
                "sprams": r.sprams,
                "kept": r.kept.iter().map(|(l, a)| json!({"module": l, "area": a.to_json()})).collect::<Vec<_>>(),
                "target_mhz": r.part.target_mhz,
                "median_fmax_mhz": if f.is_empty() { Value::Null } else { json!(median(&mut f)) },
                "fmax_mhz_by_seed": r.runs.iter().map(|x| json!({"seed": x.seed, "fmax_mhz": x.fmax_mhz, "logic_cells": x.logic_cells, "seconds": x.seconds.round()})).collect::<Vec<_>>(),
                "critical_path": r.runs.first().map(|x| x.critical_path.clone()),
                "critical_path_through": r.critical_through,
                "does_not_fit": r.does_not_fit,
            })
        })
        .collect();
    let v = json!({
        "what": format!("{d}: area by kept module and, where it fits, Fmax"),
        "command": format!("ptu bench synth --design soc --seeds {seeds}"),
        "parts": parts,
    });
    format!("{}\n", serde_json::to_string_pretty(&v).expect("JSON"))
}

/// `ptu bench synth --design soc`.
pub(super) fn run_whole_cli(
    a: &BenchSynthArgs,
    source: &dyn Fn(Family) -> Result<WholeDesign>,
) -> Result<()> {
    if a.area_only {
        bail!("--area-only is for the unit: drop it with --design soc");
    }
    let chosen = chosen_parts(&a.parts)?;
    let out_dir = a.out_dir(&ptu_arch::PtuConfig::default());
    if out_dir.extension().is_some_and(|e| e == "json") {
        bail!("--out takes a folder, not a file");
    }
    let out = out_dir.join("soc.json");
    let work = flow::project_root()
        .join("synth")
        .join("build")
        .join("bench");
    let t = Instant::now();
    let mut say = |e: Event| {
        if let Event::Note(line) = e {
            if !a.json {
                println!("{line}");
            }
        }
    };
    let results = measure_whole(source, &chosen, a.seeds, &work, &mut say)?;
    let text = whole_json("the SoC's board top", &results, a.seeds);
    tools::write_atomic(&out, text.as_bytes())?;
    if a.json {
        print!("{text}");
        return Ok(());
    }
    for r in &results {
        let mut line = format!(
            "{}: {} LUTs, {} flip-flops, {} carries, {} block RAMs",
            r.part.title, r.total.luts, r.total.flip_flops, r.total.carries, r.block_rams
        );
        if r.sprams > 0 {
            line.push_str(&format!(", {} SB_SPRAM256KA", r.sprams));
        }
        for (l, x) in &r.kept {
            line.push_str(&format!("; {l} {} LUTs {} FFs", x.luts, x.flip_flops));
        }
        match (&r.does_not_fit, r.runs.is_empty()) {
            (Some(why), true) => line.push_str(&format!("; does not fit: {why}")),
            _ => {
                let mut f: Vec<f64> = r.runs.iter().map(|x| x.fmax_mhz).collect();
                line.push_str(&format!(
                    "; Fmax {:.1} MHz (median of {}); critical path through: {}",
                    median(&mut f),
                    r.runs.len(),
                    if r.critical_through.is_empty() {
                        "none of them".to_string()
                    } else {
                        r.critical_through.join(", ")
                    }
                ));
            }
        }
        println!("{line}");
    }
    println!(
        "results: {} ({:.0} s; logs in {})",
        out.display(),
        t.elapsed().as_secs_f64(),
        work.display()
    );
    Ok(())
}
