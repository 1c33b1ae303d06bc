//! Wrappers around the CSV byte stream: a counter for the progress bar and the size limit, and
//! a final newline so that every record ends with one, which the line numbering relies on.

use std::io::{self, Read};

/// Counts the bytes read from the file and refuses to go past the limit, which catches a file
/// that grows after its size was checked.
pub(super) struct Counted<R> {
    inner: R,
    count: u64,
    limit: u64,
}

impl<R: Read> Counted<R> {
    pub(super) fn new(inner: R, already: u64, limit: u64) -> Self {
        Counted {
            inner,
            count: already,
            limit,
        }
    }

    pub(super) fn count(&self) -> u64 {
        self.count
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "file over the size limit",
            ));
        }
        Ok(n)
    }
}

/// Appends two `\n` to the stream: the first ends a last line written without one, so every
/// complete record ends with its own `\n`; the second is then never taken by a complete record,
/// so a record that consumed everything is one whose quote never closed.
pub(super) struct NewlineAtEnd<R> {
    inner: R,
    delivered: u64,
    /// Appended newlines still to give, once the inner stream has ended.
    tail: Option<u8>,
}

impl<R: Read> NewlineAtEnd<R> {
    pub(super) fn new(inner: R) -> Self {
        NewlineAtEnd {
            inner,
            delivered: 0,
            tail: None,
        }
    }

    pub(super) fn get_ref(&self) -> &R {
        &self.inner
    }

    /// True if a reader that has consumed `byte` bytes has taken all of them.
    pub(super) fn consumed_all(&self, byte: u64) -> bool {
        self.tail == Some(0) && byte == self.delivered
    }
}

impl<R: Read> Read for NewlineAtEnd<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = match self.tail {
            None => match self.inner.read(buf)? {
                0 => {
                    self.tail = Some(2);
                    return self.read(buf);
                }
                n => n,
            },
            Some(0) => return Ok(0),
            Some(left) => {
                let n = buf.len().min(usize::from(left));
                buf[..n].fill(b'\n');
                self.tail = Some(left - n as u8);
                n
            }
        };
        self.delivered += n as u64;
        Ok(n)
    }
}
