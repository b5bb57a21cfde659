//! Where a server's state comes from and goes to: `--init` files and `--state-file`.
//!
//! **Start.** `--init FILE` gives the worlds a server starts from and that a reset returns
//! to; `--state-file PATH` gives the worlds a server left behind. When both are given, the
//! state file wins if it exists (it holds the newer state), else the server starts from the
//! init file; resets still return to the init file. Both are checked in full before the
//! server binds its port ([`configure`]); a file that does not load stops startup.
//!
//! **Durability.** With a state file, every EC2 request that changed something (a success of
//! an action the registry marks as changing) and every admin reset writes the whole state
//! before its reply is sent: to `PATH.tmp` (created afresh, never through a symlink, mode
//! 0600), fsync, rename over `PATH`, fsync the directory.
//! A rename is atomic, so `PATH` is always a complete state (the old one or the new one,
//! never a torn mix), and `PATH.tmp` is never read. Hence a success the client received is
//! on disk, even if the process is killed (`kill -9`) or the machine loses power right after.
//! A change whose write fails is answered `InternalError` (HTTP 500) and readiness reports
//! the failure; the change stays in memory and is written by the next successful write.
//!
//! **Ordering.** Writes are serialised by one writer lock, and each writes the state as it
//! is when the write starts. Changes are numbered once applied: a request whose change an
//! already finished write contains does not write again, so concurrent requests share
//! writes (group commit) while sequential ones each pay one write.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::model::{lock, Backend, WorldFilter};
use crate::snapshot::{export, import_all, CheckedSnapshot, LoadError, Snapshot};
use crate::Config;

/// Reads and checks an `--init` file.
pub fn read_init(path: &Path) -> Result<CheckedSnapshot, LoadError> {
    Snapshot::read_file(path)?.check()
}

/// Fills `config.init` and `config.state_file` from the `--init` and `--state-file` paths;
/// the message names the flag, the file and the entry at fault.
pub fn configure(
    config: &mut Config,
    init: Option<&Path>,
    state_file: Option<&Path>,
) -> Result<(), String> {
    if let Some(path) = init {
        let checked = read_init(path).map_err(|e| format!("--init {}: {e}", path.display()))?;
        tracing::info!(
            path = %path.display(),
            worlds = checked.snapshot().worlds().map(|w| w.len()).unwrap_or(0),
            "loaded init file"
        );
        log_worlds("--init", &checked, config);
        config.init = Some(checked);
    }
    if let Some(path) = state_file {
        let file =
            StateFile::open(path).map_err(|e| format!("--state-file {}: {e}", path.display()))?;
        match file.loaded() {
            Some(state) => {
                tracing::info!(
                    path = %path.display(),
                    worlds = state.snapshot().worlds().map(|w| w.len()).unwrap_or(0),
                    "loaded state file"
                );
                log_worlds("--state-file", state, config);
            }
            None => tracing::info!(path = %path.display(), "state file does not exist yet"),
        }
        config.state_file = Some(Arc::new(file));
    }
    Ok(())
}

/// One line per loaded world: its account and region, and how a client reaches it. A world
/// outside the default account and region is invisible to unsigned requests (curl), which is
/// the first thing a newcomer who loaded a file and sees only the default VPC needs to know.
fn log_worlds(source: &str, state: &CheckedSnapshot, config: &Config) {
    for (account, region, world) in state.snapshot().worlds().unwrap_or_default() {
        let reach = if account == config.account_id && region.name == config.region.name {
            "unsigned requests and any access key ID that is not 12 digits".to_owned()
        } else {
            format!("AWS_ACCESS_KEY_ID={account} with region {}", region.name)
        };
        tracing::info!(
            source,
            account,
            region = region.name,
            vpcs = world.vpcs.len(),
            subnets = world.subnets.len(),
            security_groups = world.security_groups.len(),
            network_interfaces = world.network_interfaces.len(),
            reach = %reach,
            "world loaded"
        );
    }
}

/// The backend a configuration asks for: the state file's worlds if it had any, else the
/// init file's, else none (every world starts as a new account).
pub fn backend_for(config: &Config) -> Backend {
    let current = config.state_file.as_ref().and_then(|f| f.loaded());
    let build = || -> Result<Backend, LoadError> {
        let baseline = match &config.init {
            Some(init) => import_all(init, config.seed, &config.clock)?,
            None => Default::default(),
        };
        let current = current
            .map(|c| import_all(c, config.seed, &config.clock))
            .transpose()?;
        Ok(Backend::with_worlds(
            config.seed,
            config.clock.clone(),
            baseline,
            current,
        ))
    };
    match build() {
        Ok(backend) => backend,
        Err(e) => {
            // Cannot happen: both snapshots were checked when read, and whether a snapshot
            // loads does not depend on the seed. Still, no panic.
            tracing::error!(error = %e, "checked state did not load; starting empty");
            Backend::new(config.seed, config.clock.clone())
        }
    }
}

/// The persister a configuration asks for, if it names a state file.
pub fn persister_for(config: &Config) -> Option<Arc<Persister>> {
    config
        .state_file
        .as_ref()
        .map(|file| Arc::new(Persister::new(file.clone())))
}

/// A `--state-file` path, checked at startup, and what it held then.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    tmp: PathBuf,
    dir: PathBuf,
    loaded: Option<CheckedSnapshot>,
}

impl StateFile {
    /// Reads the state at `path` if there is one (never `PATH.tmp`, which only ever holds a
    /// write in progress), and checks that the directory takes writes, so that a server
    /// that could not persist does not start.
    pub fn open(path: &Path) -> Result<StateFile, LoadError> {
        let fail = |message: String| LoadError {
            entry: String::new(),
            message,
        };
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        if tmp_name.is_empty() {
            return Err(fail("the path names no file".into()));
        }
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let loaded = match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => return Err(fail("is a directory".into())),
            Ok(_) => Some(Snapshot::read_file(path)?.check()?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(fail(format!("cannot read it: {e}"))),
        };
        // A leftover PATH.tmp is a write that a crash interrupted: never read, replaced now.
        create_temporary(&tmp)
            .and_then(|_| fs::remove_file(&tmp))
            .map_err(|e| fail(format!("cannot write {}: {e}", tmp.display())))?;
        Ok(StateFile {
            path: path.to_path_buf(),
            tmp,
            dir,
            loaded,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The state the file held at startup, if it existed.
    pub fn loaded(&self) -> Option<&CheckedSnapshot> {
        self.loaded.as_ref()
    }

    /// Replaces the file's contents atomically and durably (see the module docs).
    fn write(&self, bytes: &[u8]) -> io::Result<()> {
        let mut file = create_temporary(&self.tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&self.tmp, &self.path)?;
        sync_dir(&self.dir)
    }
}

/// Creates `PATH.tmp` afresh, readable by the owner only (the state holds every account's
/// resources), after removing whatever is there: a crashed write's leftover, or a link
/// someone planted. `create_new` is `O_CREAT|O_EXCL`, which never follows a symlink, so a
/// link planted between the removal and the creation makes the write fail instead of
/// overwriting the link's target. The file keeps mode 0600 when renamed over `PATH`.
fn create_temporary(tmp: &Path) -> io::Result<File> {
    match fs::remove_file(tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(tmp)
}

/// Makes a rename in `dir` durable: the directory entry itself is flushed.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for syncing on Windows; NTFS journals the rename.
    Ok(())
}

/// Writes the state file after changes, in order, sharing writes between concurrent ones.
#[derive(Debug)]
pub struct Persister {
    file: Arc<StateFile>,
    /// Changes applied so far; each change's number is taken after it is applied.
    changes: AtomicU64,
    writer: Mutex<Writer>,
}

#[derive(Debug, Default)]
struct Writer {
    /// Every change numbered up to this is in the file.
    written: u64,
    /// Why the last write failed, until one succeeds.
    failure: Option<String>,
}

impl Persister {
    pub fn new(file: Arc<StateFile>) -> Self {
        Persister {
            file,
            changes: AtomicU64::new(0),
            writer: Mutex::new(Writer::default()),
        }
    }

    /// Records a change that is already applied; returns its number for [`Persister::persist`].
    pub fn changed(&self) -> u64 {
        self.changes.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Blocks until change `change` is in the file: returns at once if a finished write
    /// already holds it, else writes the whole current state.
    pub fn persist(&self, backend: &Backend, change: u64) -> io::Result<()> {
        let mut writer = lock(&self.writer);
        if writer.written >= change {
            return Ok(());
        }
        // Every change numbered up to `through` was applied before it was numbered, so the
        // export below contains it.
        let through = self.changes.load(Ordering::SeqCst);
        let bytes = export(backend, &WorldFilter::default()).to_json();
        match self.file.write(&bytes) {
            Ok(()) => {
                writer.written = through;
                writer.failure = None;
                Ok(())
            }
            Err(e) => {
                tracing::error!(path = %self.file.path.display(), error = %e, "state file write failed");
                writer.failure = Some(e.to_string());
                Err(e)
            }
        }
    }

    /// Why the last write failed, while no later write has succeeded.
    pub fn failure(&self) -> Option<String> {
        lock(&self.writer).failure.clone()
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }
}

/// Writes the state after a change (on the blocking pool: fsync must not stall the runtime).
pub async fn persist_change(
    persister: Arc<Persister>,
    backend: Arc<Backend>,
) -> Result<(), String> {
    let change = persister.changed();
    let path = persister.path().display().to_string();
    match tokio::task::spawn_blocking(move || persister.persist(&backend, change)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("cannot write the state file {path}: {e}")),
        Err(e) => Err(format!("the state file writer failed: {e}")),
    }
}
