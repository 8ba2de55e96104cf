//! Attacks on the HTTP layer of the `acs_server` process, over loopback: slow headers, idle
//! connections, connection floods, slow and oversized bodies, compression bombs, broken
//! chunks, wrong methods. Attackers connect from 127.0.0.2–127.0.0.9 while legitimate
//! `cpe_agent` processes on 127.0.0.1 keep completing their sessions.

mod common;

use std::io::Write as _;
use std::time::Duration;

use common::{
    acs_server, closed_within, connect_from, count_closed, exchange, legitimate_cpes_complete,
};
use tokio::io::AsyncWriteExt;

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_connections_are_closed_while_cpes_complete_sessions() {
    let (acs, url, addr) = acs_server(&[
        "--header-timeout",
        "2",
        "--idle-timeout",
        "4",
        "--max-connections-per-address",
        "150",
    ]);
    // A keep-alive connection that has had its answer and then idles is kept for the idle
    // timeout, then closed.
    let mut kept = connect_from([127, 0, 0, 3], addr).await.unwrap();
    kept.write_all(b"GET /firmware.bin HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(
        !closed_within(&mut kept, SECOND).await,
        "kept alive at first"
    );
    // 100 slowloris connections (a header line every 500 ms, never finished) and 100 that
    // never send a byte, from two addresses.
    let mut slow = Vec::new();
    for _ in 0..100 {
        let mut s = connect_from([127, 0, 0, 2], addr).await.unwrap();
        s.write_all(b"POST /cwmp HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    let mut idle = Vec::new();
    for _ in 0..100 {
        idle.push(connect_from([127, 0, 0, 3], addr).await.unwrap());
    }
    let trickle = tokio::spawn(async move {
        // Keeps writing until the server closes each connection; returns how many it closed.
        let mut closed = vec![false; slow.len()];
        for round in 0..40 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for (i, s) in slow.iter_mut().enumerate() {
                if !closed[i]
                    && s.write_all(format!("X-{round}: y\r\n").as_bytes())
                        .await
                        .is_err()
                {
                    closed[i] = true;
                }
            }
            if closed.iter().all(|c| *c) {
                break;
            }
        }
        closed.iter().filter(|c| **c).count()
    });
    let cpes = tokio::task::spawn_blocking(move || legitimate_cpes_complete(&url, "SLOW", 3, 10));
    let (idle_closed, _) = count_closed(idle, 10 * SECOND).await;
    assert_eq!(idle_closed, 100, "every idle connection is closed");
    assert!(
        closed_within(&mut kept, 10 * SECOND).await,
        "the idle timeout"
    );
    assert_eq!(trickle.await.unwrap(), 100, "every slow header is cut off");
    cpes.await.unwrap();
    assert!(acs.rss_kib() < 200 * 1024, "{} KiB", acs.rss_kib());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_caps_are_closed_and_other_addresses_still_served() {
    let (_acs, url, addr) = acs_server(&[
        "--max-connections",
        "60",
        "--max-connections-per-address",
        "20",
    ]);
    // One address opens 50: 20 are kept, 30 closed at once.
    let mut held = Vec::new();
    for _ in 0..50 {
        held.push(connect_from([127, 0, 0, 4], addr).await.unwrap());
    }
    let (closed, held) = count_closed(held, 3 * SECOND).await;
    assert_eq!(closed, 30, "the per-address cap");
    // Two more addresses: 20 + 20 would make 60 with the first's 20; the total cap is 60,
    // so the legitimate CPEs on 127.0.0.1 then find no room...
    let mut more = Vec::new();
    for src in [5u8, 6] {
        for _ in 0..20 {
            more.push(connect_from([127, 0, 0, src], addr).await.unwrap());
        }
    }
    let (closed, more) = count_closed(more, 3 * SECOND).await;
    assert_eq!(closed, 0, "40 more fit under the total cap");
    let mut over = connect_from([127, 0, 0, 7], addr).await.unwrap();
    assert!(closed_within(&mut over, 3 * SECOND).await, "the total cap");
    // ... until the held connections time out (header timeout, 10 s by default): then the
    // places are free again. Drop some instead, as a client would.
    drop(more);
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::task::spawn_blocking(move || legitimate_cpes_complete(&url, "CAP", 2, 10))
        .await
        .unwrap();
}

fn post_head(len: usize, extra: &str) -> String {
    format!(
        "POST /cwmp HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: {len}\r\n{extra}\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_bodies_are_never_read_or_inflated() {
    let (acs, url, addr) = acs_server(&[]);
    // An oversized Content-Length is refused before `100 Continue`.
    let r = exchange(
        addr,
        &post_head(5 << 20, "Expect: 100-continue\r\n"),
        b"",
        2 * SECOND,
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 413"), "{r}");
    assert!(!r.contains("100 Continue"), "{r}");
    // A 4 MiB body announced without credentials: challenged at once, nothing read.
    let r = exchange(
        addr,
        &post_head(4 << 20, "Expect: 100-continue\r\n"),
        b"",
        2 * SECOND,
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 401"), "{r}");
    assert!(!r.contains("100 Continue"), "{r}");
    // A gzip bomb (100 MiB of zeros) from a stranger is answered 401, not inflated.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..100 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = gz.finish().unwrap();
    let r = exchange(
        addr,
        &post_head(bomb.len(), "Content-Encoding: gzip\r\n"),
        &bomb,
        5 * SECOND,
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 401"), "{r}");
    // 256 stalled 4 MiB bodies from strangers pin nothing: each is challenged and closed.
    let mut stalled = Vec::new();
    for _ in 0..256 {
        let mut s = connect_from([127, 0, 0, 8], addr).await.unwrap();
        s.write_all(post_head(4 << 20, "").as_bytes())
            .await
            .unwrap();
        s.write_all(&[b'x'; 1000]).await.unwrap();
        stalled.push(s);
    }
    let (closed, _) = count_closed(stalled, 5 * SECOND).await;
    assert_eq!(closed, 256);
    assert!(acs.rss_kib() < 100 * 1024, "{} KiB", acs.rss_kib());
    tokio::task::spawn_blocking(move || legitimate_cpes_complete(&url, "BODY", 1, 10))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_bodies_are_cut_off_and_copied_into_one_bounded_buffer() {
    // Without authentication every body is read: the body deadline and the single buffer
    // are what bound them.
    let (acs, url, addr) = acs_server(&["--no-auth", "--body-timeout", "4"]);
    let before = acs.rss_kib();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        tasks.push(tokio::spawn(async move {
            let mut s = connect_from([127, 0, 0, 9], addr).await.unwrap();
            s.set_nodelay(true).unwrap();
            s.write_all(post_head(4 << 20, "").as_bytes())
                .await
                .unwrap();
            // One byte per segment, as long as the server reads.
            for _ in 0..4000 {
                if s.write_all(b"x").await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            closed_within(&mut s, 10 * SECOND).await
        }));
    }
    tokio::time::sleep(2 * SECOND).await;
    let during = acs.rss_kib();
    for t in tasks {
        assert!(t.await.unwrap(), "the body deadline closes the connection");
    }
    // 64 bodies of at most a few KiB each: a few MiB at most, not a page per byte.
    assert!(
        during.saturating_sub(before) < 64 * 1024,
        "{before} KiB -> {during} KiB"
    );
    // A broken chunked encoding is a bad request, not a too-large one.
    let r = exchange(
        addr,
        "POST /cwmp HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n",
        b"",
        2 * SECOND,
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 400"), "{r}");
    // Methods other than POST (and GET of the firmware) get 405 with Allow.
    let r = exchange(
        addr,
        "PUT /cwmp HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"",
        SECOND,
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 405"), "{r}");
    assert!(r.to_ascii_lowercase().contains("allow: post, get"), "{r}");
    // A gzip bomb inflates only up to the body limit.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 16 << 20]).unwrap();
    let bomb = gz.finish().unwrap();
    let r = exchange(
        addr,
        &post_head(bomb.len(), "Content-Encoding: gzip\r\n"),
        &bomb,
        5 * SECOND,
    )
    .await;
    assert!(r.starts_with("HTTP/1.1 400"), "{r}");
    tokio::task::spawn_blocking(move || legitimate_cpes_complete(&url, "TRICKLE", 1, 10))
        .await
        .unwrap();
}
