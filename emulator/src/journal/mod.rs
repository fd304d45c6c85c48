//! The data directory (`--data-dir`): a write-ahead journal of every state-changing request,
//! replayed at startup through the same handlers, so that every resource (including ones
//! added later) survives a restart without persistence code of its own.
//!
//! Files in the directory:
//! - `LOCK`: held with `flock` while a process uses the directory (a second one is refused);
//! - `journal.cwl`: a [`HEADER`] naming the format version, then frames
//!   `[payload length u32 LE][CRC-32 of the payload u32 LE][payload]`, each one [`Record`].
//!
//! Writes are acknowledged once durable: appenders add their frame to a shared buffer, one
//! writer thread writes whatever has gathered and `fdatasync`s it (group commit: one sync
//! covers every request that arrived while the previous one ran), then wakes the waiters. At
//! startup the frames are checked and replayed in order; the first torn or corrupt frame ends
//! the journal: it and everything after it are cut off, reported in one log line.
//!
//! Compaction ([`Journal::compact`]) rewrites the journal as a snapshot: the request records
//! as they were (they recreate the control-plane state), then each stream's state, events and
//! `@transformationError`s without the events that retention has freed since (so expired
//! events leave the disk too), each group's indexed fields seen, then the subscription
//! deliveries still under way.

mod record;

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use parking_lot::{Condvar, Mutex, RwLock};

pub use record::{PutRecord, Record};

/// The journal file's first bytes: a magic string and the format version.
pub const HEADER: &[u8; 12] = b"CWLOGSJ\0\x02\0\0\0";
/// The on-disk format version [`HEADER`] names. Version 2 added [`Record::StreamErrors`]
/// (snapshots keep `@transformationError`); a version 1 journal is read as it is (it holds no
/// such record) and its header is then rewritten to say 2, since what follows may hold them.
pub const FORMAT_VERSION: u32 = 2;
/// The oldest format version this build reads.
const OLDEST_FORMAT_VERSION: u32 = 1;
const JOURNAL_FILE: &str = "journal.cwl";
const LOCK_FILE: &str = "LOCK";
/// Frame header: payload length and checksum.
const FRAME_HEADER: usize = 8;
/// No frame is larger: a request body is at most 8 MiB, a put batch about 1 MiB.
const MAX_FRAME: usize = 64 << 20;
/// Where compaction writes the new journal before renaming it over the old one.
const COMPACTING_FILE: &str = "journal.cwl.compacting";
/// A journal smaller than this is never compacted.
const COMPACT_AFTER_BYTES: u64 = 64 << 20;
/// About how many bytes of events one snapshot frame holds.
const SNAPSHOT_FRAME_BYTES: usize = 4 << 20;

/// The open journal of a data directory; see the module docs.
#[derive(Debug)]
pub struct Journal {
    shared: Arc<Shared>,
    durable: tokio::sync::watch::Receiver<Durable>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// Orders the journal like the state: a control-plane write holds it exclusively from its
    /// run to its append, puts hold it shared (a put's order within its stream comes from the
    /// stream's lock, under which it appends).
    order: RwLock<()>,
    /// The frames of every request and reset record since the journal began: compaction
    /// keeps them as they are (they recreate the control-plane state).
    control: Mutex<Vec<u8>>,
    path: PathBuf,
    /// The directory's `LOCK`, held until [`Self::close`] (or the drop).
    lock: Mutex<Option<File>>,
}

#[derive(Debug)]
struct Shared {
    pending: Mutex<Pending>,
    wake: Condvar,
    durable: tokio::sync::watch::Sender<Durable>,
}

#[derive(Debug, Default)]
struct Pending {
    /// Frames not yet handed to the writer.
    frames: Vec<u8>,
    /// Bytes ever appended (a logical position: it keeps growing across truncations).
    end: u64,
    /// Whether the file is to be cut back to its header before `frames` are written.
    truncate: bool,
    /// A compacted journal the writer is to continue in.
    replace: Option<File>,
    /// The journal file's length once everything pending is written.
    file_bytes: u64,
    stop: bool,
}

/// How far the journal is durable, or why it cannot be.
#[derive(Debug, Clone, Default)]
struct Durable {
    upto: u64,
    failed: Option<Arc<str>>,
}

/// What opening a data directory found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Records replayed.
    pub records: u64,
    /// Bytes of torn or corrupt tail cut off.
    pub dropped_bytes: u64,
}

/// Why a data directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Another process holds the directory.
    #[error(
        "the data directory {0} is in use by another cwlogs-emulator (its LOCK file is held{1}); \
         stop that one or give this one another --data-dir"
    )]
    Locked(PathBuf, String),
    /// The journal is of another format.
    #[error("{0} is not a cwlogs-emulator journal this build reads: {1}")]
    Format(PathBuf, String),
    /// The file system refused.
    #[error("the data directory {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

impl Journal {
    /// Opens (creating it when needed) the data directory `dir`, hands each stored record to
    /// `replay` in order, cuts off a torn or corrupt tail, and starts the writer.
    pub fn open(
        dir: &Path,
        mut replay: impl FnMut(Record<'_>),
    ) -> Result<(Self, Recovery), OpenError> {
        let io = |error| OpenError::Io(dir.to_owned(), error);
        std::fs::create_dir_all(dir).map_err(io)?;
        let lock = lock_dir(dir)?;
        let path = dir.join(JOURNAL_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        let mut length = file.metadata().map_err(io)?.len();
        if length < HEADER.len() as u64 && header_prefix(&mut file).map_err(io)? {
            // A crash while the header was first written: nothing was ever journaled.
            file.set_len(0).map_err(io)?;
            length = 0;
        }
        let _ = std::fs::remove_file(dir.join(COMPACTING_FILE));
        let mut recovery = Recovery::default();
        let mut control = Vec::new();
        if length == 0 {
            file.write_all(HEADER).map_err(io)?;
            file.sync_all().map_err(io)?;
            sync_dir(dir).map_err(io)?;
        } else {
            let (good, version) = read_frames(&file, &path, &mut |record, frame| {
                recovery.records += 1;
                match record {
                    Record::Reset => control = frame.concat(),
                    Record::Request { .. } => frame
                        .iter()
                        .for_each(|part| control.extend_from_slice(part)),
                    _ => {}
                }
                replay(record);
            })?;
            if good < length {
                recovery.dropped_bytes = length - good;
                tracing::warn!(
                    path = %path.display(),
                    kept_bytes = good,
                    dropped_bytes = recovery.dropped_bytes,
                    "data dir: the journal's tail was torn or corrupt (checksum or length); \
                     it was cut off, everything before it is kept"
                );
                file.set_len(good).map_err(io)?;
                file.sync_all().map_err(io)?;
            }
            if version < FORMAT_VERSION {
                file.seek(SeekFrom::Start(0)).map_err(io)?;
                file.write_all(HEADER).map_err(io)?;
                file.sync_all().map_err(io)?;
                tracing::info!(path = %path.display(), from = version, to = FORMAT_VERSION,
                    "data dir: the journal's format version was upgraded");
            }
        }
        let file_bytes = file.seek(SeekFrom::End(0)).map_err(io)?;
        let journal = Self::start(file, file_bytes, path, lock, control).map_err(io)?;
        Ok((journal, recovery))
    }

    fn start(
        file: File,
        file_bytes: u64,
        path: PathBuf,
        lock: File,
        control: Vec<u8>,
    ) -> std::io::Result<Self> {
        let (sender, durable) = tokio::sync::watch::channel(Durable::default());
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending {
                file_bytes,
                ..Pending::default()
            }),
            wake: Condvar::new(),
            durable: sender,
        });
        let writer = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("cwlogs-journal".into())
                .spawn(move || write_loop(&shared, file))?
        };
        Ok(Self {
            shared,
            durable,
            writer: Mutex::new(Some(writer)),
            order: RwLock::new(()),
            control: Mutex::new(control),
            path,
            lock: Mutex::new(Some(lock)),
        })
    }

    /// Held shared by puts, exclusively by every other journaled write (see the field).
    pub fn order_shared(&self) -> parking_lot::RwLockReadGuard<'_, ()> {
        self.order.read()
    }

    /// Held exclusively by a control-plane write from its run to its append, and by resets.
    pub fn order_exclusive(&self) -> parking_lot::RwLockWriteGuard<'_, ()> {
        self.order.write()
    }

    /// Appends `record` (made durable by the writer; see [`Self::wait_durable`]).
    pub fn append(&self, record: &Record<'_>) {
        let mut frame = Vec::with_capacity(record.encoded_len_hint() + FRAME_HEADER);
        frame.extend_from_slice(&[0; FRAME_HEADER]);
        record.encode(&mut frame);
        seal_frame(&mut frame);
        if matches!(record, Record::Request { .. }) {
            self.control.lock().extend_from_slice(&frame);
        }
        self.append_frames(&frame, false);
    }

    fn append_frames(&self, frames: &[u8], truncate_first: bool) {
        let mut pending = self.shared.pending.lock();
        if pending.stop {
            // Closed: never written; its waiters are told so.
            pending.end += frames.len() as u64 + 1;
            return;
        }
        if truncate_first {
            pending.frames.clear();
            pending.truncate = true;
            pending.file_bytes = HEADER.len() as u64;
        }
        pending.frames.extend_from_slice(frames);
        pending.file_bytes += frames.len() as u64;
        pending.end += frames.len() as u64 + u64::from(truncate_first);
        self.shared.wake.notify_one();
    }

    /// Empties the journal (a reset): nothing before this call is replayed any more. With
    /// `then`, that record is the journal's first.
    pub fn truncate(&self, then: Option<&Record<'_>>) {
        let mut frame = Vec::new();
        if let Some(record) = then {
            frame.extend_from_slice(&[0; FRAME_HEADER]);
            record.encode(&mut frame);
            seal_frame(&mut frame);
        }
        *self.control.lock() = frame.clone();
        self.append_frames(&frame, true);
    }

    /// The journal file's length once everything appended is written.
    pub fn file_bytes(&self) -> u64 {
        self.shared.pending.lock().file_bytes
    }

    /// Whether compaction would pay: the journal is past 64 MiB and more than twice what a
    /// snapshot of `live_message_bytes` (the store's, after retention) would take.
    pub fn worth_compacting(&self, live_message_bytes: u64) -> bool {
        let snapshot =
            live_message_bytes + live_message_bytes / 4 + self.control.lock().len() as u64;
        let file = self.file_bytes();
        file > COMPACT_AFTER_BYTES && file > 2 * snapshot
    }

    /// Rewrites the journal as a snapshot of `store` (see the module docs), holding every
    /// write back meanwhile; a crash during it leaves the old journal (the new one replaces
    /// it by a rename). Returns the new journal's length.
    pub fn compact(&self, store: &crate::store::Store) -> std::io::Result<u64> {
        let _exclusive = self.order.write();
        if self.lock.lock().is_none() {
            return Err(std::io::Error::other("the data directory is closed"));
        }
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let temporary = dir.join(COMPACTING_FILE);
        let mut out = std::io::BufWriter::with_capacity(1 << 20, File::create(&temporary)?);
        out.write_all(HEADER)?;
        let control = self.control.lock().clone();
        out.write_all(&control)?;
        let mut written = (HEADER.len() + control.len()) as u64;
        let mut failure = None;
        let mut frame = Vec::new();
        let mut emit = |frame: &mut Vec<u8>, out: &mut std::io::BufWriter<File>| {
            seal_frame(frame);
            written += frame.len() as u64;
            let result = out.write_all(frame);
            frame.clear();
            frame.extend_from_slice(&[0; FRAME_HEADER]);
            result
        };
        frame.extend_from_slice(&[0; FRAME_HEADER]);
        Record::Snapshot.encode(&mut frame);
        emit(&mut frame, &mut out)?;
        store.for_each_stream(|region, group, stream| {
            if failure.is_some() {
                return;
            }
            let outcome = stream.with_image(|image, events| -> std::io::Result<()> {
                Record::StreamImage {
                    region,
                    group,
                    stream: stream.name(),
                    image: image.clone(),
                }
                .encode(&mut frame);
                emit(&mut frame, &mut out)?;
                let mut batch = Vec::new();
                let mut bytes = 0;
                let names = (region, group, stream.name());
                for event in events.iter_from(crate::store::events::EventKey::MIN) {
                    bytes += event.message.len() + 24;
                    batch.push(event);
                    if bytes >= SNAPSHOT_FRAME_BYTES {
                        record::encode_stream_events(&mut frame, names, &batch);
                        emit(&mut frame, &mut out)?;
                        batch.clear();
                        bytes = 0;
                    }
                }
                if !batch.is_empty() {
                    record::encode_stream_events(&mut frame, names, &batch);
                    emit(&mut frame, &mut out)?;
                }
                let mut errors = Vec::new();
                bytes = 0;
                for (key, error) in events.transformation_errors() {
                    bytes += error.len() + 16;
                    errors.push((key, error));
                    if bytes >= SNAPSHOT_FRAME_BYTES {
                        record::encode_stream_errors(&mut frame, names, &errors);
                        emit(&mut frame, &mut out)?;
                        errors.clear();
                        bytes = 0;
                    }
                }
                if !errors.is_empty() {
                    record::encode_stream_errors(&mut frame, names, &errors);
                    emit(&mut frame, &mut out)?;
                }
                Ok(())
            });
            if let Err(error) = outcome {
                failure = Some(error);
            }
        });
        if let Some(error) = failure {
            return Err(error);
        }
        store.for_each_group(|region, group| {
            let seen = group.fields_seen();
            if seen.is_empty() || failure.is_some() {
                return;
            }
            Record::FieldsSeen {
                region,
                group: group.name(),
                fields: seen
                    .iter()
                    .map(|(name, seen)| (name.as_str(), *seen))
                    .collect(),
            }
            .encode(&mut frame);
            if let Err(error) = emit(&mut frame, &mut out) {
                failure = Some(error);
            }
        });
        if let Some(error) = failure {
            return Err(error);
        }
        // Subscription deliveries still under way: sent again after a restart (their puts
        // are in the snapshot only as events, which make no deliveries when restored).
        for delivery in store.outbox().under_way() {
            let body = serde_json::to_vec(&delivery).map_err(std::io::Error::other)?;
            Record::DeliveryUnderWay { body: &body }.encode(&mut frame);
            emit(&mut frame, &mut out)?;
        }
        let file = out
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &self.path)?;
        sync_dir(dir)?;
        let mut file = OpenOptions::new().read(true).write(true).open(&self.path)?;
        file.seek(SeekFrom::End(0))?;
        let mut pending = self.shared.pending.lock();
        // Everything pending is in the snapshot (no write runs while `order` is held).
        pending.frames.clear();
        pending.truncate = false;
        pending.replace = Some(file);
        pending.file_bytes = written;
        pending.end += 1;
        self.shared.wake.notify_one();
        Ok(written)
    }

    /// [`Self::wait_durable`] for a caller outside the async runtime (the handle's methods):
    /// polls every millisecond.
    pub fn wait_durable_blocking(&self) -> Result<(), String> {
        let target = self.shared.pending.lock().end;
        loop {
            {
                let durable = self.durable.borrow();
                if durable.upto >= target {
                    return Ok(());
                }
                if let Some(error) = &durable.failed {
                    return Err(error.to_string());
                }
            }
            if self.writer.lock().is_none() {
                return Err("the journal writer stopped".into());
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    /// Waits until everything appended so far is on disk; an error when the disk refused.
    pub async fn wait_durable(&self) -> Result<(), String> {
        let target = self.shared.pending.lock().end;
        let mut durable = self.durable.clone();
        let outcome = durable
            .wait_for(|d| d.upto >= target || d.failed.is_some())
            .await
            .map(|d| d.failed.clone().filter(|_| d.upto < target));
        match outcome {
            Ok(None) => Ok(()),
            Ok(Some(error)) => Err(error.to_string()),
            Err(_) => Err("the journal writer stopped".into()),
        }
    }
}

impl Journal {
    /// Releases the directory, whoever still holds this journal: waits for the write in
    /// progress, writes and syncs what is pending, stops the writer and unlocks `LOCK`, so
    /// another journal may open the directory at once. What is appended later is not written
    /// (its waiters are told the directory is closed), as after a `kill -9`. Idempotent.
    pub fn close(&self) {
        let _no_writes = self.order.write();
        self.shared.pending.lock().stop = true;
        self.shared.wake.notify_one();
        if let Some(writer) = self.writer.lock().take() {
            let _ = writer.join();
        }
        self.shared.durable.send_modify(|durable| {
            durable.failed.get_or_insert_with(|| {
                "The data directory was closed: the emulator stopped".into()
            });
        });
        self.lock.lock().take();
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.close();
    }
}

/// Fills in a frame's length and checksum (its first [`FRAME_HEADER`] bytes).
fn seal_frame(frame: &mut [u8]) {
    let payload = &frame[FRAME_HEADER..];
    let length = u32::try_from(payload.len()).expect("frames are far below 4 GiB");
    let crc = crc32fast::hash(payload);
    frame[..4].copy_from_slice(&length.to_le_bytes());
    frame[4..FRAME_HEADER].copy_from_slice(&crc.to_le_bytes());
}

fn write_loop(shared: &Shared, mut file: File) {
    let mut batch = Vec::new();
    loop {
        let (end, truncate) = {
            let mut pending = shared.pending.lock();
            let idle = |p: &Pending| p.frames.is_empty() && !p.truncate && p.replace.is_none();
            while idle(&pending) && !pending.stop {
                shared.wake.wait(&mut pending);
            }
            if idle(&pending) {
                return;
            }
            if let Some(compacted) = pending.replace.take() {
                file = compacted;
            }
            std::mem::swap(&mut pending.frames, &mut batch);
            (pending.end, std::mem::take(&mut pending.truncate))
        };
        let written = (|| -> std::io::Result<()> {
            if truncate {
                file.set_len(HEADER.len() as u64)?;
                file.seek(SeekFrom::End(0))?;
            }
            file.write_all(&batch)?;
            file.sync_data()
        })();
        batch.clear();
        shared.durable.send_modify(|durable| match written {
            Ok(()) => durable.upto = end,
            Err(error) => {
                tracing::error!(%error, "data dir: the journal could not be written");
                durable.failed =
                    Some(format!("The data directory could not be written: {error}").into());
            }
        });
    }
}

/// Reads the frames after the header, handing each record to `replay`; returns the length of
/// the good prefix (where a torn or corrupt frame, if any, starts) and the file's format
/// version.
fn read_frames(
    file: &File,
    path: &Path,
    replay: &mut dyn FnMut(Record<'_>, [&[u8]; 2]),
) -> Result<(u64, u32), OpenError> {
    let io = |error| OpenError::Io(path.to_owned(), error);
    let mut reader = BufReader::with_capacity(1 << 20, file);
    reader.seek(SeekFrom::Start(0)).map_err(io)?;
    let mut header = [0u8; HEADER.len()];
    if reader.read_exact(&mut header).is_err() || header[..8] != HEADER[..8] {
        return Err(OpenError::Format(
            path.to_owned(),
            "it does not start with the journal's magic bytes".into(),
        ));
    }
    let version = u32::from_le_bytes(header[8..12].try_into().expect("four bytes"));
    if version > FORMAT_VERSION {
        return Err(OpenError::Format(
            path.to_owned(),
            format!(
                "its format version is {version}, newer than this build reads \
                 ({OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}); use a newer cwlogs-emulator"
            ),
        ));
    }
    if version < OLDEST_FORMAT_VERSION {
        return Err(OpenError::Format(
            path.to_owned(),
            format!("its format version is {version}"),
        ));
    }
    let mut good = HEADER.len() as u64;
    let mut payload = Vec::new();
    loop {
        let mut frame_header = [0u8; FRAME_HEADER];
        match read_full(&mut reader, &mut frame_header) {
            Ok(0) => return Ok((good, version)),
            Ok(FRAME_HEADER) => {}
            Ok(_) => return Ok((good, version)),
            Err(error) => return Err(io(error)),
        }
        let length = u32::from_le_bytes(frame_header[..4].try_into().expect("four")) as usize;
        let crc = u32::from_le_bytes(frame_header[4..].try_into().expect("four"));
        if length > MAX_FRAME {
            return Ok((good, version));
        }
        payload.resize(length, 0);
        if read_full(&mut reader, &mut payload).map_err(io)? < length
            || crc32fast::hash(&payload) != crc
        {
            return Ok((good, version));
        }
        let Some(record) = Record::decode(&payload) else {
            return Ok((good, version));
        };
        replay(record, [&frame_header, &payload]);
        good += (FRAME_HEADER + length) as u64;
    }
}

/// Whether the (short) file holds a prefix of [`HEADER`].
fn header_prefix(file: &mut File) -> std::io::Result<bool> {
    let mut start = Vec::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_end(&mut start)?;
    Ok(HEADER.starts_with(&start))
}

/// Reads until `buf` is full or the file ends; returns how much was read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut read = 0;
    while read < buf.len() {
        match reader.read(&mut buf[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(read)
}

/// Takes the directory's `LOCK` file (`flock`, released by the kernel when the process ends,
/// even by `kill -9`), writing this process's id in it.
fn lock_dir(dir: &Path) -> Result<File, OpenError> {
    let path = dir.join(LOCK_FILE);
    let io = |error| OpenError::Io(dir.to_owned(), error);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    #[cfg(unix)]
    {
        use rustix::fs::{flock, FlockOperation};
        if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let holder = if holder.is_empty() {
                String::new()
            } else {
                format!(" by process {holder}")
            };
            return Err(OpenError::Locked(dir.to_owned(), holder));
        }
    }
    file.set_len(0).map_err(io)?;
    write!(file, "{}", std::process::id()).map_err(io)?;
    Ok(file)
}

/// Makes a new file's directory entry durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests;
