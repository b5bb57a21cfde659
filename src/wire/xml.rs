//! The typed XML writer and the two EC2 envelopes (success and error).
//!
//! Elements are only ever opened through closures, so every start tag has its end tag; text
//! is always escaped, and a character XML 1.0 cannot carry (which no escape can carry
//! either) is written as U+FFFD: malformed XML cannot be written with this API. Parameters
//! holding such characters are refused when read (`wire::params`), and state files when
//! loaded, so the replacement is only the last line of defence.

use std::borrow::Cow;
use std::fmt::Display;

use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::error::Ec2Error;

/// Whether XML 1.0 can carry `c` at all (its `Char` production): tab, LF, CR, and
/// everything from U+0020 except U+FFFE and U+FFFF (surrogates cannot occur in a `str`).
/// Not even a character reference can carry the others, so a value holding one can never
/// be echoed in a reply.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= '\u{20}' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// `text` with every character XML 1.0 cannot carry replaced by U+FFFD.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// The namespace of every EC2 success document.
pub const EC2_XMLNS: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

/// Writes one XML document into memory.
pub struct XmlWriter {
    inner: Writer<Vec<u8>>,
}

impl XmlWriter {
    fn new() -> Self {
        XmlWriter {
            inner: Writer::new(Vec::with_capacity(1024)),
        }
    }

    // Writing into a Vec cannot fail; quick-xml's io::Result is discarded for that reason.
    fn event(&mut self, event: Event<'_>) {
        let _ = self.inner.write_event(event);
    }

    /// `<name>text</name>`, or `<name/>` when the text is empty (as EC2 renders empty strings).
    pub fn text(&mut self, name: &str, value: impl Display) -> &mut Self {
        let value = value.to_string();
        if value.is_empty() {
            self.event(Event::Empty(BytesStart::new(name)));
        } else {
            self.event(Event::Start(BytesStart::new(name)));
            self.escaped_text(&value);
            self.event(Event::End(BytesEnd::new(name)));
        }
        self
    }

    /// `text` when the value is present; nothing at all otherwise.
    pub fn opt<T: Display>(&mut self, name: &str, value: Option<T>) -> &mut Self {
        if let Some(v) = value {
            self.text(name, v);
        }
        self
    }

    /// `<name>…</name>` with children written by `body`.
    pub fn node(&mut self, name: &str, body: impl FnOnce(&mut XmlWriter)) -> &mut Self {
        self.event(Event::Start(BytesStart::new(name)));
        body(self);
        self.event(Event::End(BytesEnd::new(name)));
        self
    }

    /// An EC2 list: `<name><item>…</item>…</name>`, or `<name/>` when empty.
    pub fn list<I, F>(&mut self, name: &str, items: I, mut each: F) -> &mut Self
    where
        I: IntoIterator,
        F: FnMut(&mut XmlWriter, I::Item),
    {
        let mut items = items.into_iter().peekable();
        if items.peek().is_none() {
            self.event(Event::Empty(BytesStart::new(name)));
            return self;
        }
        self.event(Event::Start(BytesStart::new(name)));
        for item in items {
            self.node("item", |w| each(w, item));
        }
        self.event(Event::End(BytesEnd::new(name)));
        self
    }

    /// A list of plain strings, `<name><item>v</item>…</name>`, or `<name/>` when empty.
    pub fn string_list<T: Display>(&mut self, name: &str, items: &[T]) -> &mut Self {
        self.list(name, items, |w, item| {
            w.inner_text(item);
        })
    }

    /// Escaped text directly inside the element being written (an `<item>` of a string list).
    fn inner_text(&mut self, value: impl Display) {
        let value = value.to_string();
        if !value.is_empty() {
            self.escaped_text(&value);
        }
    }

    /// Character data: markup characters escaped, characters XML cannot carry replaced, and
    /// CR written as `&#13;`, since a parser turns a raw CR into LF and a tag value with one
    /// would not come back as it was set.
    fn escaped_text(&mut self, value: &str) {
        let escaped = quick_xml::escape::escape(xml_safe(value).as_ref()).replace('\r', "&#13;");
        self.event(Event::Text(BytesText::from_escaped(escaped)));
    }

    fn into_bytes(self) -> Vec<u8> {
        self.inner.into_inner()
    }
}

/// `<?xml …?><{root} xmlns=…>…</{root}>`: a whole document (EC2's, or STS's).
pub fn document(root: &str, xmlns: Option<&str>, body: impl FnOnce(&mut XmlWriter)) -> Vec<u8> {
    let mut w = XmlWriter::new();
    w.event(Event::Decl(quick_xml::events::BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        None,
    )));
    let mut start = BytesStart::new(root);
    if let Some(xmlns) = xmlns {
        start.push_attribute(("xmlns", xmlns));
    }
    w.event(Event::Start(start));
    body(&mut w);
    w.event(Event::End(BytesEnd::new(root)));
    w.into_bytes()
}

/// `<{Action}Response xmlns=…><requestId>…</requestId>…</{Action}Response>`.
pub fn success_document(
    action: &str,
    request_id: &str,
    body: impl FnOnce(&mut XmlWriter),
) -> Vec<u8> {
    let root = format!("{action}Response");
    document(&root, Some(EC2_XMLNS), |w| {
        w.text("requestId", request_id);
        body(w);
    })
}

/// `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
pub fn error_document(error: &Ec2Error, request_id: &str) -> Vec<u8> {
    let mut w = XmlWriter::new();
    w.event(Event::Decl(quick_xml::events::BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        None,
    )));
    w.node("Response", |w| {
        w.node("Errors", |w| {
            w.node("Error", |w| {
                w.text("Code", error.code());
                w.text("Message", error);
            });
        });
        w.text("RequestID", request_id);
    });
    w.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_renders_empty_lists() {
        let doc = success_document("CreateVpc", "r-1", |w| {
            w.text("description", "a<b & \"c\"");
            w.list("tagSet", Vec::<u8>::new(), |_, _| {});
            w.list("groupSet", ["sg-1"], |w, g| {
                w.text("groupId", g);
            });
        });
        let s = String::from_utf8(doc).unwrap();
        assert!(s.contains("<description>a&lt;b &amp; &quot;c&quot;</description>"));
        assert!(s.contains("<tagSet/>"));
        assert!(s.contains("<groupSet><item><groupId>sg-1</groupId></item></groupSet>"));
        assert!(s.contains(r#"<CreateVpcResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>"#));
    }

    #[test]
    fn characters_xml_cannot_carry_never_reach_a_document() {
        let poisoned = "a\u{1}b\u{0}c\u{FFFE}d\u{FFFF}e\u{1B}[31m\tf\ng\rh";
        let doc = success_document("DescribeTags", "r-1", |w| {
            w.text("value", poisoned);
            w.string_list("values", &[poisoned]);
        });
        let s = String::from_utf8(doc).unwrap();
        assert!(s.chars().all(is_xml_char), "{s:?}");
        assert!(
            s.contains(
                "<value>a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}[31m\tf\ng&#13;h</value>"
            ),
            "{s:?}"
        );
        let doc = error_document(&Ec2Error::InvalidAction(poisoned.into()), "r-2");
        let s = String::from_utf8(doc).unwrap();
        assert!(s.chars().all(is_xml_char), "{s:?}");
    }

    #[test]
    fn error_envelope_shape() {
        let doc = error_document(&Ec2Error::MissingAction, "rid");
        let s = String::from_utf8(doc).unwrap();
        assert!(s.ends_with("<Response><Errors><Error><Code>MissingAction</Code><Message>The request must contain the parameter Action</Message></Error></Errors><RequestID>rid</RequestID></Response>"));
    }
}
