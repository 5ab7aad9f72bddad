use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A child process that is asked to stop with SIGTERM when dropped, so a failing test never leaves
/// a server or a driver behind holding a port.
pub struct Managed {
    name: String,
    child: Option<Child>,
}

impl Managed {
    pub fn spawn(name: &str, command: &mut Command) -> Self {
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        Self {
            name: name.to_string(),
            child: Some(child),
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(|c| c.id())
    }

    /// SIGTERM, then wait up to `grace` for the process to exit.
    pub fn terminate(&mut self, grace: Duration) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: kill(2) with a pid we own and a valid signal has no memory effects.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("{} did not stop within {grace:?} after SIGTERM", self.name);
    }
}

impl Drop for Managed {
    fn drop(&mut self) {
        self.terminate(Duration::from_secs(10));
    }
}
