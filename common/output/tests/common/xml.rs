//! A JUnit document read back into a tree with quick-xml's reader, values
//! as a conforming parser would report them (attributes normalised, text
//! with its references resolved), and every character checked against
//! XML 1.0's `Char` production.

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, Event};
use quick_xml::reader::Reader;

#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn count(&self, name: &str) -> usize {
        self.attribute(name)
            .unwrap_or_else(|| panic!("<{}> has no {name}", self.name))
            .parse()
            .unwrap_or_else(|_| panic!("<{}> {name} is not a number", self.name))
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

fn xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

fn reference(r: &BytesRef<'_>) -> Result<String, String> {
    if r.is_char_ref() {
        let c = r
            .resolve_char_ref()
            .map_err(|e| e.to_string())?
            .ok_or("a character reference resolves")?;
        if !xml_char(c) {
            return Err(format!("reference to a character XML forbids: {:?}", c));
        }
        return Ok(c.to_string());
    }
    let name = r.xml10_content();
    let text = match name.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => return Err(format!("undeclared entity &{other};")),
    };
    Ok(text.to_string())
}

/// The root element, or why the document is not well-formed.
pub fn parse(document: &str) -> Result<Element, String> {
    if let Some(c) = document.chars().find(|c| !xml_char(*c)) {
        return Err(format!("character XML 1.0 forbids: {c:?}"));
    }
    let mut reader = Reader::from_str(document);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let opens = matches!(event, Event::Start(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                let mut element = Element {
                    name: start.name().0.to_string(),
                    ..Element::default()
                };
                for attribute in start.attributes().with_checks(true) {
                    let attribute = attribute.map_err(|e| e.to_string())?;
                    let value = attribute
                        .normalized_value(XmlVersion::Explicit1_0)
                        .map_err(|e| e.to_string())?;
                    let key = attribute.key.0.to_string();
                    element.attributes.push((key, value.into_owned()));
                }
                if opens {
                    stack.push(element);
                } else {
                    stack.last_mut().unwrap().children.push(element);
                }
            }
            Event::End(_) => {
                let element = stack.pop().unwrap();
                stack
                    .last_mut()
                    .ok_or("an end tag without a start")?
                    .children
                    .push(element);
            }
            Event::Text(text) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&text.xml10_content()),
            Event::GeneralRef(r) => {
                let text = reference(&r)?;
                stack.last_mut().unwrap().text.push_str(&text);
            }
            Event::CData(data) => stack
                .last_mut()
                .unwrap()
                .text
                .push_str(&data.xml10_content()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::DocType(_) => return Err("a DOCTYPE".into()),
            Event::Eof => break,
        }
    }
    let mut document = stack.pop().ok_or("no document")?;
    if !stack.is_empty() {
        return Err("unclosed elements".into());
    }
    if document.children.len() != 1 || !document.text.trim().is_empty() {
        return Err("not exactly one root element".into());
    }
    Ok(document.children.remove(0))
}
