//! Where a feed batch waits while its signature is checked: in memory up to a limit, then in an
//! anonymous temporary file (deleted by the OS when closed, even after a crash). Blocking IO:
//! used on the batch's blocking thread only.

use std::{
    io::{self, BufRead, BufReader, Cursor, Seek, SeekFrom, Write},
    path::Path,
};

/// A batch body being received, then read (any number of times) from the start.
#[derive(Debug)]
pub(crate) enum Spool {
    Memory(Vec<u8>),
    File { file: std::fs::File, len: u64 },
}

impl Spool {
    pub(crate) fn new() -> Self {
        Self::Memory(Vec::new())
    }

    /// Appends `chunk`; moves to a temporary file in `dir` (or the system's) once the body
    /// would exceed `memory_limit` bytes.
    pub(crate) fn write(
        &mut self,
        chunk: &[u8],
        memory_limit: usize,
        dir: Option<&Path>,
    ) -> io::Result<()> {
        match self {
            Self::Memory(buffer) if buffer.len() + chunk.len() <= memory_limit => {
                buffer.extend_from_slice(chunk);
                Ok(())
            }
            Self::Memory(buffer) => {
                let mut file = match dir {
                    Some(dir) => tempfile::tempfile_in(dir)?,
                    None => tempfile::tempfile()?,
                };
                file.write_all(buffer)?;
                file.write_all(chunk)?;
                let len = (buffer.len() + chunk.len()) as u64;
                *self = Self::File { file, len };
                Ok(())
            }
            Self::File { file, len } => {
                file.write_all(chunk)?;
                *len += chunk.len() as u64;
                Ok(())
            }
        }
    }

    /// Bytes held.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Self::Memory(buffer) => buffer.len() as u64,
            Self::File { len, .. } => *len,
        }
    }

    /// Whether the body went to a file.
    #[cfg(test)]
    pub(crate) fn on_disk(&self) -> bool {
        matches!(self, Self::File { .. })
    }

    /// A reader from the first byte.
    pub(crate) fn reader(&mut self) -> io::Result<Box<dyn BufRead + '_>> {
        match self {
            Self::Memory(buffer) => Ok(Box::new(Cursor::new(buffer.as_slice()))),
            Self::File { file, .. } => {
                file.flush()?;
                file.seek(SeekFrom::Start(0))?;
                Ok(Box::new(BufReader::with_capacity(64 * 1024, file)))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn read_all(spool: &mut Spool) -> Vec<u8> {
        let mut out = Vec::new();
        spool.reader().unwrap().read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn a_small_body_stays_in_memory() {
        let mut spool = Spool::new();
        spool.write(b"abc", 8, None).unwrap();
        spool.write(b"defgh", 8, None).unwrap();
        assert!(!spool.on_disk());
        assert_eq!(spool.len(), 8);
        assert_eq!(read_all(&mut spool), b"abcdefgh");
    }

    #[test]
    fn a_large_body_moves_to_a_file_and_reads_back_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = Spool::new();
        spool.write(b"abc", 4, Some(dir.path())).unwrap();
        spool.write(b"def", 4, Some(dir.path())).unwrap();
        spool.write(b"ghi", 4, Some(dir.path())).unwrap();
        assert!(spool.on_disk());
        assert_eq!(spool.len(), 9);
        assert_eq!(read_all(&mut spool), b"abcdefghi");
        assert_eq!(read_all(&mut spool), b"abcdefghi");
        // Anonymous: nothing is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
