//! RFC 4918 §9.1: a `PROPFIND` asking for named properties gets every one of them back, those
//! the resource does not have in a `404 Not Found` propstat. dav-server leaves them out of its
//! answer; this completes it (clients then tell « absent » from « not answered », and litmus
//! stops warning).

use xmltree::{Element, XMLNode};

const DAV: &str = "DAV:";

/// A property's name: its namespace and local name.
type Name = (Option<String>, String);

/// The properties a `PROPFIND` body names in `<D:prop>`; none for `allprop`, `propname` or an
/// empty body (dav-server's answer is complete then).
pub(super) fn requested(body: &[u8]) -> Option<Vec<Name>> {
    let root = Element::parse(body).ok()?;
    if root.name != "propfind" || root.namespace.as_deref() != Some(DAV) {
        return None;
    }
    let prop = root
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .find(|e| e.name == "prop" && e.namespace.as_deref() == Some(DAV))?;
    let names: Vec<Name> = prop
        .children
        .iter()
        .filter_map(XMLNode::as_element)
        .map(|e| (e.namespace.clone(), e.name.clone()))
        .collect();
    (!names.is_empty()).then_some(names)
}

/// The multistatus answer with, in each response, the requested properties it left out in a
/// 404 propstat. An answer that cannot be read is returned as it was.
pub(super) fn complete(answer: &[u8], requested: &[Name]) -> Option<Vec<u8>> {
    let mut root = Element::parse(answer).ok()?;
    let dav_prefix = root.prefix.clone();
    let dav = |name: &str| {
        let mut element = Element::new(name);
        element.prefix.clone_from(&dav_prefix);
        element.namespace = Some(DAV.to_owned());
        element
    };
    let mut changed = false;
    for response in root.children.iter_mut().filter_map(XMLNode::as_mut_element) {
        if response.name != "response" {
            continue;
        }
        let present: Vec<Name> = response
            .children
            .iter()
            .filter_map(XMLNode::as_element)
            .filter(|e| e.name == "propstat")
            .filter_map(|propstat| propstat.get_child("prop"))
            .flat_map(|prop| prop.children.iter().filter_map(XMLNode::as_element))
            .map(|e| (e.namespace.clone(), e.name.clone()))
            .collect();
        let missing: Vec<&Name> = requested.iter().filter(|n| !present.contains(n)).collect();
        if missing.is_empty() {
            continue;
        }
        let mut prop = dav("prop");
        for (namespace, name) in missing {
            let mut element = Element::new(name);
            element.namespace.clone_from(namespace);
            if namespace.as_deref() == Some(DAV) {
                element.prefix.clone_from(&dav_prefix);
            } else {
                let mut declared = xmltree::Namespace::empty();
                declared.force_put("", namespace.clone().unwrap_or_default());
                element.namespaces = Some(declared);
            }
            prop.children.push(XMLNode::Element(element));
        }
        let mut status = dav("status");
        status
            .children
            .push(XMLNode::Text("HTTP/1.1 404 Not Found".to_owned()));
        let mut propstat = dav("propstat");
        propstat.children.push(XMLNode::Element(prop));
        propstat.children.push(XMLNode::Element(status));
        response.children.push(XMLNode::Element(propstat));
        changed = true;
    }
    if !changed {
        return None;
    }
    let mut out = Vec::with_capacity(answer.len() + 256);
    root.write(&mut out).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_properties_come_back_as_not_found() {
        let request = br#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:Z="http://example.com/neon/litmus/"><D:prop><D:getcontentlength/><Z:prop0/><D:nothere/></D:prop></D:propfind>"#;
        let asked = requested(request).unwrap_or_default();
        assert_eq!(asked.len(), 3);
        let answer = br#"<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/spaces/1/a.txt</D:href><D:propstat><D:prop><D:getcontentlength>5</D:getcontentlength></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>"#;
        let done =
            String::from_utf8(complete(answer, &asked).unwrap_or_default()).unwrap_or_default();
        assert!(done.contains("HTTP/1.1 404 Not Found"), "{done}");
        assert!(done.contains("<D:nothere"), "{done}");
        assert!(
            done.contains(r#"<prop0 xmlns="http://example.com/neon/litmus/""#),
            "{done}"
        );
        assert!(
            done.contains("<D:getcontentlength>5</D:getcontentlength>"),
            "{done}"
        );
        // Nothing missing, nothing changed; allprop is complete already.
        let only = requested(
            br#"<D:propfind xmlns:D="DAV:"><D:prop><D:getcontentlength/></D:prop></D:propfind>"#,
        )
        .unwrap_or_default();
        assert_eq!(complete(answer, &only), None);
        assert_eq!(
            requested(br#"<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#),
            None
        );
        assert_eq!(requested(b""), None);
    }
}
