//! Extraction throughput (text → facts → quads) on the bundled samples, one core.
//! Run: `cargo bench --bench extract`. Criterion reports MB/s ("thrpt").

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use realpolitik::ingest;
use realpolitik::{Extractor, rdf};
use std::hint::black_box;

fn samples() -> Vec<realpolitik::Article> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/samples");
    ingest::expand(&[dir.to_string()])
        .into_iter()
        .flat_map(|s| ingest::read_source(&s.expect("sample")))
        .map(|a| a.expect("sample article"))
        .collect()
}

fn bench(c: &mut Criterion) {
    let x = Extractor::shared().expect("lexicon");
    let articles = samples();
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let mut g = c.benchmark_group("samples");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("extract", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(x.extract(black_box(a)));
            }
        })
    });
    g.bench_function("extract+rdf", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(rdf::article_quads(a, &x.extract(black_box(a))));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
