//! Protobuf wire-format reader with the error behaviour of the gogo-generated Kubernetes
//! `Unmarshal` methods (10-byte varints, length checks, unknown fields and groups skipped).

use super::ProtobufError;

/// One field value as it appears on the wire.
#[derive(Clone, Copy, Debug)]
pub(super) enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
    /// A (skipped) proto2 group.
    Group,
}

impl Wire<'_> {
    pub(super) fn wire_type(&self) -> u8 {
        match self {
            Wire::Varint(_) => 0,
            Wire::Fixed64(_) => 1,
            Wire::Bytes(_) => 2,
            Wire::Group => 3,
            Wire::Fixed32(_) => 5,
        }
    }
}

/// Sequential reader over one serialized message.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    message: &'static str,
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8], message: &'static str) -> Self {
        Reader {
            buf,
            pos: 0,
            message,
        }
    }

    fn truncated(&self) -> ProtobufError {
        ProtobufError::Truncated {
            message: self.message,
        }
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub(super) fn varint(&mut self) -> Result<u64, ProtobufError> {
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            if shift >= 64 {
                return Err(ProtobufError::VarintOverflow {
                    message: self.message,
                });
            }
            let Some(&b) = self.buf.get(self.pos) else {
                return Err(self.truncated());
            };
            self.pos += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(value);
            }
            shift += 7;
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtobufError> {
        let end = self.pos.checked_add(n).ok_or_else(|| self.truncated())?;
        let out = self
            .buf
            .get(self.pos..end)
            .ok_or_else(|| self.truncated())?;
        self.pos = end;
        Ok(out)
    }

    fn length_delimited(&mut self) -> Result<&'a [u8], ProtobufError> {
        let len = self.varint()?;
        // Go reads the length into an `int`: anything above i64::MAX is negative there.
        if len > i64::MAX as u64 {
            return Err(ProtobufError::InvalidLength {
                message: self.message,
            });
        }
        let len = usize::try_from(len).map_err(|_| self.truncated())?;
        self.take(len)
    }

    pub(super) fn fixed64(&mut self) -> Result<u64, ProtobufError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    pub(super) fn fixed32(&mut self) -> Result<u32, ProtobufError> {
        let b = self.take(4)?;
        let mut a = [0u8; 4];
        a.copy_from_slice(b);
        Ok(u32::from_le_bytes(a))
    }

    /// Skips the body of a group whose start tag was just read (iteratively, any nesting).
    fn skip_group(&mut self) -> Result<(), ProtobufError> {
        let mut depth = 1usize;
        while depth > 0 {
            let tag = self.varint()?;
            match tag & 7 {
                0 => {
                    self.varint()?;
                }
                1 => {
                    self.take(8)?;
                }
                2 => {
                    self.length_delimited()?;
                }
                3 => depth += 1,
                4 => depth -= 1,
                5 => {
                    self.take(4)?;
                }
                w => {
                    return Err(ProtobufError::IllegalWireType {
                        message: self.message,
                        wire_type: w as u8,
                    });
                }
            }
        }
        Ok(())
    }

    /// The next `(field number, value)`, or `None` at the end of the message.
    pub(super) fn next_field(&mut self) -> Result<Option<(u32, Wire<'a>)>, ProtobufError> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let tag = self.varint()?;
        // Go: `fieldNum := int32(wire >> 3)`.
        let num = (tag >> 3) as u32 as i32;
        let wire_type = (tag & 7) as u8;
        if wire_type == 4 {
            return Err(ProtobufError::UnexpectedEndGroup {
                message: self.message,
            });
        }
        if num <= 0 {
            return Err(ProtobufError::IllegalTag {
                message: self.message,
                tag: num,
                wire_type,
            });
        }
        let value = match wire_type {
            0 => Wire::Varint(self.varint()?),
            1 => Wire::Fixed64(self.fixed64()?),
            2 => Wire::Bytes(self.length_delimited()?),
            3 => {
                self.skip_group()?;
                Wire::Group
            }
            5 => Wire::Fixed32(self.fixed32()?),
            w => {
                return Err(ProtobufError::IllegalWireType {
                    message: self.message,
                    wire_type: w,
                });
            }
        };
        Ok(Some((num as u32, value)))
    }
}
