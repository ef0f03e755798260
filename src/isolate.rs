//! Per-file isolation: one file's analysis (parse, rules, fix rendering) runs on a
//! thread of its own with a large known stack, a deadline and panic isolation, so
//! that a file that trips a bug, nests too deeply or takes too long becomes an error
//! entry for that file and the rest of the run is reported normally.
//!
//! The deadline is enforced cooperatively: when it passes, the file is reported at
//! once and its thread is asked to stop; long loops call [`checkpoint`] (and
//! tree-sitter parses poll [`cancelled`]), which end the abandoned work.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Once};
use std::time::Duration;

/// The stack of each file's thread. Front ends bound how deep they recurse
/// (see [`MAX_NESTING`]); this leaves a wide margin for that depth in debug builds.
pub const STACK_BYTES: usize = 256 * 1024 * 1024;

/// How deeply brackets, blocks or JSON values may nest before a file is reported as
/// unparseable instead of being parsed (a recursive parser or walk would otherwise
/// exhaust any stack).
pub const MAX_NESTING: usize = 1000;

/// The default time one file's analysis may take.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

const THREAD_NAME: &str = "apimigrate-file";

/// Why a file's analysis did not complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The analysis panicked (a bug); the message and where.
    Panicked(String),
    /// The deadline passed.
    TimedOut(Duration),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Panicked(m) => write!(f, "analysis failed (internal error: {m})"),
            Failure::TimedOut(d) => write!(f, "analysis stopped after {} s", d.as_secs()),
        }
    }
}

/// The unwinding payload of work stopped at a [`checkpoint`].
struct Cancelled;

thread_local! {
    static CANCEL: RefCell<Option<Arc<AtomicBool>>> = const { RefCell::new(None) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Whether the current file's work has been abandoned (its deadline passed).
pub fn cancelled() -> bool {
    CANCEL.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    })
}

/// Ends the current file's work when it has been abandoned. Called in loops whose
/// length grows with the input.
pub fn checkpoint() {
    if cancelled() {
        panic::resume_unwind(Box::new(Cancelled));
    }
}

/// Panics on isolated threads are reported as the file's error entry; the default
/// hook would also print them. Other threads keep the previous hook.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(THREAD_NAME) {
                return previous(info);
            }
            let message = payload_message(info.payload());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message}{at}")));
        }));
    });
}

fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// Runs one file's `work` on its own thread, with [`STACK_BYTES`] of stack, a
/// `deadline` and panic isolation.
pub fn run<T: Send + 'static>(
    deadline: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Failure> {
    install_hook();
    let flag = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::sync_channel(1);
    let worker_flag = flag.clone();
    let spawned = std::thread::Builder::new()
        .name(THREAD_NAME.into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            CANCEL.with(|c| *c.borrow_mut() = Some(worker_flag));
            let outcome = panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
                if payload.is::<Cancelled>() {
                    None
                } else {
                    Some(
                        LAST_PANIC
                            .with(|p| p.borrow_mut().take())
                            .unwrap_or_else(|| payload_message(payload.as_ref())),
                    )
                }
            });
            let _ = tx.send(outcome);
        });
    if let Err(e) = spawned {
        return Err(Failure::Panicked(format!("cannot start a thread: {e}")));
    }
    match rx.recv_timeout(deadline) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(Some(message))) => Err(Failure::Panicked(message)),
        Ok(Err(None)) => Err(Failure::TimedOut(deadline)),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // The thread is left to stop at its next checkpoint; its result is dropped.
            flag.store(true, Ordering::Relaxed);
            Err(Failure::TimedOut(deadline))
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(Failure::Panicked("the analysis thread ended early".into()))
        }
    }
}

/// Runs `a` on this thread and `b` on a second one, for the two halves of one file's
/// analysis that do not depend on each other (a large file's wait in an editor is
/// shorter with both cores at work). The second thread is one of this file's: the same
/// stack, the same deadline (both stop at a [`checkpoint`] once it passes) and, on a
/// file's thread, the same panic reporting. For an input under 16 KiB (`bytes`) both
/// run here: a thread costs more than it saves on a small file.
pub fn join<RA, RB>(bytes: usize, a: impl FnOnce() -> RA, b: impl FnOnce() -> RB + Send) -> (RA, RB)
where
    RB: Send,
{
    /// Below this, a file is analysed in well under a millisecond.
    const MIN_BYTES: usize = 16 * 1024;
    if bytes < MIN_BYTES {
        let ra = a();
        return (ra, b());
    }
    let flag = CANCEL.with(|c| c.borrow().clone());
    let isolated = std::thread::current().name() == Some(THREAD_NAME);
    std::thread::scope(|scope| {
        let mut builder = std::thread::Builder::new().stack_size(STACK_BYTES);
        if isolated {
            builder = builder.name(THREAD_NAME.into());
        }
        let second = builder
            .spawn_scoped(scope, move || {
                CANCEL.with(|c| *c.borrow_mut() = flag);
                panic::catch_unwind(AssertUnwindSafe(b))
                    .map_err(|payload| (payload, LAST_PANIC.with(|p| p.borrow_mut().take())))
            })
            .unwrap_or_else(|e| panic!("cannot start a thread: {e}"));
        let ra = a();
        match second.join() {
            Ok(Ok(rb)) => (ra, rb),
            Ok(Err((payload, message))) => {
                // Reported as if it had happened on this thread.
                if message.is_some() {
                    LAST_PANIC.with(|p| *p.borrow_mut() = message);
                }
                panic::resume_unwind(payload)
            }
            Err(payload) => panic::resume_unwind(payload),
        }
    })
}

/// Faults injected for the isolation tests, named in `APIMIGRATE_DEBUG_FAULT` as
/// `panic:FILE` or `stall:FILE` (while checking FILE, a file name), `fix-panic:FILE`
/// and `fix-stall:FILE` (while fixing it), or `write-edit:FILE` (a line appended to
/// FILE just before its fixed text replaces it, as a concurrent editor would).
/// Compiled into debug builds only: a release build never reads the variable.
#[cfg(debug_assertions)]
pub fn debug_fault(stage: &str, path: &std::path::Path) {
    let Ok(spec) = std::env::var("APIMIGRATE_DEBUG_FAULT") else {
        return;
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    for item in spec.split(',') {
        let Some((kind, file)) = item.split_once(':') else {
            continue;
        };
        if file != name {
            continue;
        }
        let kind = match stage {
            "check" => kind,
            _ => match kind.strip_prefix(stage).and_then(|k| k.strip_prefix('-')) {
                Some(k) => k,
                None => continue,
            },
        };
        match kind {
            "panic" => panic!("injected fault"),
            "edit" => {
                use std::io::Write as _;
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(path)
                    .expect("the file to edit exists");
                f.write_all(b"// edited meanwhile\n").expect("appends");
            }
            "stall" => loop {
                checkpoint();
                std::thread::sleep(Duration::from_millis(5));
            },
            _ => {}
        }
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn debug_fault(_stage: &str, _path: &std::path::Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_failure_with_its_message() {
        let r: Result<(), _> = run(Duration::from_secs(5), || panic!("boom"));
        match r {
            Err(Failure::Panicked(m)) => assert!(m.contains("boom"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn work_past_its_deadline_is_abandoned_and_stops() {
        let stopped = Arc::new(AtomicBool::new(false));
        let seen = stopped.clone();
        let r: Result<(), _> = run(Duration::from_millis(50), move || {
            struct Mark(Arc<AtomicBool>);
            impl Drop for Mark {
                fn drop(&mut self) {
                    self.0.store(true, Ordering::SeqCst);
                }
            }
            let _mark = Mark(seen);
            loop {
                checkpoint();
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        assert_eq!(r, Err(Failure::TimedOut(Duration::from_millis(50))));
        for _ in 0..200 {
            if stopped.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the abandoned work did not stop at its checkpoint");
    }

    #[test]
    fn deep_recursion_fits_the_stack() {
        fn depth(n: usize) -> usize {
            let pad = [0u8; 1024];
            if n == 0 {
                return pad[0] as usize;
            }
            std::hint::black_box(&pad);
            depth(n - 1) + 1
        }
        assert_eq!(run(Duration::from_secs(5), || depth(100_000)), Ok(100_000));
    }
}
