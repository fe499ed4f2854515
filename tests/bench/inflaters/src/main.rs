//! Inflates every deflated binary member of each wheel given, whole, nine
//! times with each inflater, and prints the medians: one tab-separated line
//! per wheel.

use std::io::Read;
use std::time::Instant;

fn main() {
    for path in std::env::args().skip(1) {
        let file = std::fs::File::open(&path).unwrap();
        let mut archive = zip::ZipArchive::new(file).unwrap();
        let mut members = Vec::new();
        for i in 0..archive.len() {
            let mut m = archive.by_index_raw(i).unwrap();
            let name = m.name().map(|n| n.to_string()).unwrap_or_default();
            let bin = [".so", ".pyd", ".dylib", ".dll"]
                .iter()
                .any(|s| name.ends_with(s));
            if !bin || m.compression() != zip::CompressionMethod::Deflated {
                continue;
            }
            let size = m.size() as usize;
            let mut raw = Vec::new();
            m.read_to_end(&mut raw).unwrap();
            members.push((raw, size));
        }
        let total: usize = members.iter().map(|m| m.1).sum();
        let mut zr = Vec::new();
        let mut ld = Vec::new();
        for _ in 0..9 {
            let t = Instant::now();
            for (raw, size) in &members {
                let mut out = Vec::with_capacity(*size);
                flate2::read::DeflateDecoder::new(&raw[..])
                    .read_to_end(&mut out)
                    .unwrap();
                assert_eq!(out.len(), *size);
            }
            zr.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let mut d = libdeflater::Decompressor::new();
            for (raw, size) in &members {
                let mut out = vec![0u8; *size];
                let n = d.deflate_decompress(raw, &mut out).unwrap();
                assert_eq!(n, *size);
            }
            ld.push(t.elapsed().as_secs_f64());
        }
        zr.sort_by(|a, b| a.partial_cmp(b).unwrap());
        ld.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let name = path.rsplit('/').next().unwrap();
        println!(
            "{name}\t{} members\t{:.1} MiB\tzlib-rs {:.1} ms\tlibdeflate {:.1} ms\t{:.2}x\tzlib-rs {:.0} MiB/s",
            members.len(),
            total as f64 / 1048576.0,
            zr[4] * 1e3,
            ld[4] * 1e3,
            zr[4] / ld[4],
            total as f64 / 1048576.0 / zr[4]
        );
    }
}
