//! OpenDocument spreadsheets (`.ods`, the administration's standard format, RGI): a zip of
//! the `mimetype` (first, stored), the manifest and `content.xml` with one table per sheet.
//! Written by hand on the `zip` crate already in the workspace: the crates that do it carry
//! styles, formulas and dates this export has no use for.

use std::io::Write;

use zip::write::SimpleFileOptions;

pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn content(sheets: &[Sheet]) -> String {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet>"#,
    );
    for sheet in sheets {
        xml.push_str(&format!(
            r#"<table:table table:name="{}">"#,
            escape(&sheet.name)
        ));
        for row in &sheet.rows {
            xml.push_str("<table:table-row>");
            for cell in row {
                match cell {
                    Cell::Text(t) => xml.push_str(&format!(
                        r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                        escape(t)
                    )),
                    Cell::Number(n) => xml.push_str(&format!(
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    )),
                    Cell::Empty => xml.push_str("<table:table-cell/>"),
                }
            }
            xml.push_str("</table:table-row>");
        }
        xml.push_str("</table:table>");
    }
    xml.push_str("</office:spreadsheet></office:body></office:document-content>");
    xml
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;

pub fn write(sheets: &[Sheet]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(MANIFEST.as_bytes())?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(content(sheets).as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // DESIGN.md habit 9: denied outside tests.
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn a_spreadsheet_is_a_zip_with_its_mimetype_first_and_its_cells() {
        let bytes = write(&[Sheet {
            name: "Indicateurs <1>".to_owned(),
            rows: vec![vec![
                Cell::Text("Réseaux & « communautés »".to_owned()),
                Cell::Number(12.5),
                Cell::Empty,
            ]],
        }])
        .unwrap();
        // The mimetype, stored, at offset 38 of the file: what tools sniff.
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(
            &bytes[38..84],
            b"application/vnd.oasis.opendocument.spreadsheet"
        );
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("content.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains(r#"table:name="Indicateurs &lt;1&gt;""#));
        assert!(xml.contains("<text:p>Réseaux &amp; « communautés »</text:p>"));
        assert!(xml.contains(r#"office:value-type="float" office:value="12.5""#));
    }
}
