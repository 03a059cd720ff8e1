//! Runs detection in a loop, for profilers (`valgrind --tool=callgrind`).
fn main() {
    let payload = std::env::args().nth(1).expect("payload");
    let n: usize = std::env::args().nth(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut routes = 0;
    for _ in 0..n {
        routes += koban_core::scheme::detect_at(std::hint::black_box(&payload), 0).map(|d| d.routes.len()).unwrap_or(0);
    }
    println!("{routes}");
}
