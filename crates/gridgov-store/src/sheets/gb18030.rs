//! A streaming GB18030 decoder, so a GBK file is read in constant memory like a UTF-8 one.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, GB18030};

const BUF: usize = 64 * 1024;

/// The text of a reader, decoded from GB18030 (a superset of GBK and GB2312) to UTF-8.
///
/// Undecodable bytes are an `InvalidData` error rather than U+FFFD: a replacement character
/// would end up in a resident's name without anyone noticing.
pub(super) struct Gb18030<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    in_eof: bool,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    done: bool,
}

impl<R: Read> Gb18030<R> {
    pub(super) fn new(inner: R) -> Self {
        Gb18030 {
            inner,
            // With BOM sniffing: a UTF-16 file (Excel's "Unicode text") decodes as UTF-16.
            decoder: GB18030.new_decoder(),
            input: vec![0; BUF].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            in_eof: false,
            output: vec![0; BUF].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            done: false,
        }
    }

    pub(super) fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Decodes the next piece into `output`; false at the end of the text.
    fn fill(&mut self) -> io::Result<bool> {
        while self.out_start == self.out_end {
            if self.done {
                return Ok(false);
            }
            if self.in_start == self.in_end && !self.in_eof {
                self.in_start = 0;
                self.in_end = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other?,
                    }
                };
                self.in_eof = self.in_end == 0;
            }
            let src = &self.input[self.in_start..self.in_end];
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(src, &mut self.output, self.in_eof);
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            match result {
                DecoderResult::InputEmpty => self.done = self.in_eof,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "neither UTF-8 nor GB18030 text",
                    ));
                }
            }
        }
        Ok(true)
    }
}

impl<R: Read> Read for Gb18030<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || !self.fill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.out_end - self.out_start);
        buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
        self.out_start += n;
        Ok(n)
    }
}
