//! How much of each wheel's binary members an inspection inflates:
//! `cargo run --release -p inspector --example bytes_read -- WHEEL...`
//! prints, per wheel, the members' declared total, the bytes inflated and
//! the time, then the totals.

use std::time::Instant;

fn main() {
    let (mut size, mut inflated) = (0u64, 0u64);
    let started = Instant::now();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("a readable wheel");
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        let start = Instant::now();
        let (_, read) =
            inspector::inspect_wheel_bytes_read(&path, &name, &bytes, &checks::Options::default());
        let elapsed = start.elapsed();
        let s: u64 = read.iter().map(|r| r.size).sum();
        let i: u64 = read.iter().map(|r| r.inflated).sum();
        println!("{name}\t{s}\t{i}\t{:.1} ms", elapsed.as_secs_f64() * 1e3);
        size += s;
        inflated += i;
    }
    println!(
        "total\t{size}\t{inflated}\t{:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}
