use std::borrow::Cow;

use super::*;
use crate::store::events::NewEvent;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "cwlogs-journal-{name}-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn put(message: &str) -> Record<'_> {
    Record::Put(PutRecord {
        time: 7,
        region: "us-east-1",
        group: "g",
        stream: "s",
        sequence_token: Some("token"),
        events: Cow::Owned(vec![NewEvent {
            timestamp: 5,
            message,
        }]),
    })
}

/// Opens `dir`, returning the journal and the messages of the put records replayed.
fn reopen(dir: &Path) -> (Journal, Recovery, Vec<String>) {
    let mut seen = Vec::new();
    let (journal, recovery) = Journal::open(dir, |record| match record {
        Record::Put(put) => seen.push(put.events[0].message.to_owned()),
        Record::Request { operation, .. } => seen.push(operation.to_owned()),
        _ => {}
    })
    .unwrap();
    (journal, recovery, seen)
}

async fn write(dir: &Path, records: &[Record<'_>]) {
    let (journal, _, _) = reopen(dir);
    for record in records {
        journal.append(record);
    }
    journal.wait_durable().await.unwrap();
}

#[test]
fn records_round_trip() {
    let records = [
        put("hello"),
        Record::Request {
            time: -3,
            seed: u64::MAX,
            region: "eu-west-1",
            operation: "CreateLogGroup",
            body: br#"{"logGroupName":"x"}"#,
        },
        Record::Reset,
        Record::StreamImage {
            region: "r",
            group: "g",
            stream: "s",
            image: crate::store::stream::StreamImage {
                next_seq: 9,
                accepted_batches: 4,
                last_batch: Some((Some("t".into()), 77, 2)),
                last_ingestion_time: Some(12),
            },
        },
        Record::DeliveryUnderWay {
            body: br#"{"id":1}"#,
        },
        Record::Snapshot,
        Record::FieldsSeen {
            region: "r",
            group: "g",
            fields: vec![(
                "requestId",
                crate::store::indexes::FieldSeen {
                    first_event_time: -1,
                    last_event_time: 2,
                    last_scan_time: 3,
                },
            )],
        },
        Record::DeliveryDone {
            key: "us-east-1\narn\nf\ng\ns\n5\n0123\n2",
        },
    ];
    for record in records {
        let mut bytes = Vec::new();
        record.encode(&mut bytes);
        let decoded = Record::decode(&bytes).map(|r| format!("{r:?}"));
        assert_eq!(decoded, Some(format!("{record:?}")));
        assert_eq!(Record::decode(&bytes[..bytes.len() - 1]), None);
    }
}

#[test]
fn snapshot_events_round_trip() {
    use crate::store::events::{EventKey, EventView};
    let events = [
        EventView {
            key: EventKey {
                timestamp: 1_700_000_000_000,
                seq: 3,
            },
            ingestion_time: 1_700_000_000_250,
            message: "a",
            transformation_error: None,
        },
        EventView {
            key: EventKey {
                timestamp: 1_700_000_000_001,
                seq: 70_000,
            },
            ingestion_time: 1_699_000_000_000,
            message: "ünïcode",
            transformation_error: None,
        },
    ];
    let mut bytes = Vec::new();
    record::encode_stream_events(&mut bytes, ("r", "g", "s"), &events);
    let Some(Record::StreamEvents { events: got, .. }) = Record::decode(&bytes) else {
        panic!("not decoded");
    };
    assert_eq!(got.iter().collect::<Vec<_>>(), events);
}

#[tokio::test]
async fn a_torn_tail_is_cut_off_and_everything_before_it_kept() {
    let dir = temp_dir("torn");
    write(&dir, &[put("one"), put("two"), put("three")]).await;
    let path = dir.join(JOURNAL_FILE);
    let length = std::fs::metadata(&path).unwrap().len();
    let file = OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(length - 3).unwrap();
    drop(file);
    let (journal, recovery, seen) = reopen(&dir);
    assert_eq!(seen, ["one", "two"]);
    assert!(recovery.dropped_bytes > 0);
    // What comes next is appended after the good prefix, and read back.
    journal.append(&put("four"));
    journal.wait_durable().await.unwrap();
    drop(journal);
    let (_, recovery, seen) = reopen(&dir);
    assert_eq!(seen, ["one", "two", "four"]);
    assert_eq!(recovery.dropped_bytes, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_scribbled_frame_is_detected_by_its_checksum() {
    let dir = temp_dir("scribble");
    write(&dir, &[put("one"), put("two"), put("three")]).await;
    let path = dir.join(JOURNAL_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() - 2;
    bytes[at] ^= 0x55;
    // Garbage after the end, as a torn write of a larger frame leaves.
    bytes.extend_from_slice(&[0xff; 5]);
    std::fs::write(&path, &bytes).unwrap();
    let (_, recovery, seen) = reopen(&dir);
    assert_eq!(seen, ["one", "two"]);
    assert!(recovery.dropped_bytes > 5);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_second_process_cannot_share_the_directory() {
    let dir = temp_dir("lock");
    let (first, _, _) = reopen(&dir);
    let error = Journal::open(&dir, |_| {}).unwrap_err();
    assert!(matches!(error, OpenError::Locked(..)), "{error}");
    assert!(error
        .to_string()
        .contains("in use by another cwlogs-emulator"));
    drop(first);
    assert!(Journal::open(&dir, |_| {}).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn another_format_version_is_refused() {
    let dir = temp_dir("version");
    std::fs::create_dir_all(&dir).unwrap();
    let mut header = *HEADER;
    header[8] = 3;
    std::fs::write(dir.join(JOURNAL_FILE), header).unwrap();
    let error = Journal::open(&dir, |_| {}).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("its format version is 3, newer than this build reads (1 to 2)"),
        "{error}"
    );
    header[8] = 0;
    std::fs::write(dir.join(JOURNAL_FILE), header).unwrap();
    let error = Journal::open(&dir, |_| {}).unwrap_err();
    assert!(error.to_string().contains("format version is 0"), "{error}");
    // A header torn at creation is an empty journal; anything else is refused.
    std::fs::write(dir.join(JOURNAL_FILE), &HEADER[..5]).unwrap();
    assert!(Journal::open(&dir, |_| {}).is_ok());
    std::fs::write(dir.join(JOURNAL_FILE), b"not a journal at all").unwrap();
    assert!(matches!(
        Journal::open(&dir, |_| {}).unwrap_err(),
        OpenError::Format(..)
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_version_1_journal_is_read_and_its_header_upgraded() {
    let dir = temp_dir("version-1");
    write(&dir, &[put("one")]).await;
    let path = dir.join(JOURNAL_FILE);
    // A version 1 journal is this one with its version byte 1 (version 2 only added a record).
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8] = 1;
    std::fs::write(&path, &bytes).unwrap();
    let (journal, _, seen) = reopen(&dir);
    assert_eq!(seen, ["one"]);
    journal.append(&put("two"));
    journal.wait_durable().await.unwrap();
    drop(journal);
    assert_eq!(&std::fs::read(&path).unwrap()[..HEADER.len()], HEADER);
    let (_, _, seen) = reopen(&dir);
    assert_eq!(seen, ["one", "two"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn snapshot_errors_round_trip() {
    use crate::store::events::EventKey;
    let errors = [
        (
            EventKey {
                timestamp: -5,
                seq: 0,
            },
            "parseJSON: not JSON",
        ),
        (
            EventKey {
                timestamp: 1_700_000_000_001,
                seq: 70_000,
            },
            "ünïcode",
        ),
    ];
    let mut bytes = Vec::new();
    record::encode_stream_errors(&mut bytes, ("r", "g", "s"), &errors);
    let Some(Record::StreamErrors { errors: got, .. }) = Record::decode(&bytes) else {
        panic!("not decoded");
    };
    assert_eq!(got.iter().collect::<Vec<_>>(), errors);
    assert_eq!(Record::decode(&bytes[..bytes.len() - 1]), None);
}

#[tokio::test]
async fn truncation_forgets_everything_before() {
    let dir = temp_dir("truncate");
    let (journal, _, _) = reopen(&dir);
    journal.append(&put("old"));
    journal.truncate(Some(&Record::Request {
        time: 0,
        seed: 0,
        region: "r",
        operation: "Reset",
        body: b"",
    }));
    journal.append(&put("new"));
    journal.wait_durable().await.unwrap();
    drop(journal);
    let (_, _, seen) = reopen(&dir);
    assert_eq!(seen, ["Reset", "new"]);
    let _ = std::fs::remove_dir_all(&dir);
}
