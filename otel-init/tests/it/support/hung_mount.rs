//! A mount that hangs as a hung NFS or SMB server's does: a FUSE file system whose
//! server never answers, so every `stat`, `open` or `read` under it blocks until the
//! mount is dropped (then they fail with "transport endpoint is not connected"). It needs
//! Linux, `/dev/fuse`, `mount` and the right to mount (root); else `new` says why not.
//!
//! The server is a shell holding `/dev/fuse` open (the connection `mount` was given as
//! `fd=3`) and never reading it, until its standard input (a pipe from this process)
//! ends: killed, or left when this process dies, it closes the connection, so a crashed
//! test leaves no hung mount behind.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A FUSE mount nobody serves; dropped, the blocked calls fail and it is unmounted.
pub(crate) struct HungMount {
    dir: PathBuf,
    server: Child,
}

/// Opens the connection, mounts it, says so and holds it, never answering.
const SERVER: &str = r#"exec 3<>/dev/fuse && mount -i -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 otel-kit-hung "$1" && echo mounted && exec cat >/dev/null"#;

impl HungMount {
    /// A hung mount at a new directory named after `name`, or why this machine cannot
    /// make one.
    pub(crate) fn new(name: &str) -> Result<Self, String> {
        if !cfg!(target_os = "linux") {
            return Err("FUSE mounts are made on Linux only".to_owned());
        }
        let dir = std::env::temp_dir().join(format!("otel-kit-hung-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{dir:?}: {e}"))?;
        let mut server = Command::new("sh")
            .args(["-c", SERVER, "sh"])
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("sh cannot be started ({e})"))?;
        let mut said = String::new();
        let stdout = server.stdout.take().ok_or("no stdout")?;
        BufReader::new(stdout)
            .read_line(&mut said)
            .map_err(|e| e.to_string())?;
        if said.trim() != "mounted" {
            let output = server.wait_with_output().map_err(|e| e.to_string())?;
            let _ = std::fs::remove_dir(&dir);
            return Err(format!(
                "the FUSE mount was refused (root and /dev/fuse are needed): {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(HungMount { dir, server })
    }

    /// A path under the mount: anything that touches it blocks.
    pub(crate) fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

impl Drop for HungMount {
    fn drop(&mut self) {
        // The connection closes with its holder: the blocked calls fail.
        let _ = self.server.kill();
        let _ = self.server.wait();
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}
