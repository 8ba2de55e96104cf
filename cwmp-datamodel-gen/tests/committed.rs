//! The committed schemas are exactly what the generator makes of the committed XML.

use std::path::Path;

fn check(xml: &str, schema: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../cwmp-datamodel");
    let xml = std::fs::read_to_string(root.join("bbf").join(xml)).expect("committed XML");
    let committed = std::fs::read_to_string(root.join("schema").join(schema)).expect("schema");
    let generated = cwmp_datamodel_gen::generate(&xml).expect("the XML generates");
    assert!(
        generated == committed,
        "cwmp-datamodel/schema/{schema} is stale: regenerate it (see cwmp-datamodel/bbf/PROVENANCE.md)"
    );
}

#[test]
fn tr181_schema_is_regenerated_from_the_committed_xml() {
    check("tr-181-2-16-0-cwmp-full.xml", "tr-181-2-16.schema");
}

#[test]
fn tr098_schema_is_regenerated_from_the_committed_xml() {
    check("tr-098-1-8-0-full.xml", "tr-098-1-8.schema");
}

#[test]
fn bad_xml_is_an_error_with_an_offset() {
    let err = cwmp_datamodel_gen::generate("<dm><model name='X:1'><object name='X.'><a></b>")
        .unwrap_err();
    assert!(err.offset > 0, "{err}");
    let err = cwmp_datamodel_gen::generate("<dm/>").unwrap_err();
    assert!(err.reason.contains("model"), "{err}");
}

#[test]
fn data_types_resolve_through_their_base_chain() {
    let xml = r#"<dm:document xmlns:dm="urn:broadband-forum-org:cwmp:datamodel-1-10">
      <dataType name="IPAddress"><string><size maxLength="45"/></string></dataType>
      <dataType name="IPv4Address" base="IPAddress"><size maxLength="15"/></dataType>
      <model name="Device:2.16">
        <object name="Device.X.{i}." access="readWrite" minEntries="0" maxEntries="4"
            numEntriesParameter="XNumberOfEntries" enableParameter="Enable">
          <uniqueKey functional="false"><parameter ref="Alias"/></uniqueKey>
          <uniqueKey><parameter ref="A"/><parameter ref="B"/></uniqueKey>
          <parameter name="A" access="readWrite" forcedInform="true" activeNotify="canDeny">
            <syntax><dataType ref="IPv4Address"/><default type="object" value="1.2.3.4"/></syntax>
          </parameter>
          <parameter name="B" access="readOnly" status="deleted"><syntax><int/></syntax></parameter>
          <parameter name="C" access="readWrite"><syntax hidden="true"><list maxItems="3"><size maxLength="20"/></list>
            <string><enumeration value="a|b"/><enumeration value="c" access="readOnly"/></string></syntax></parameter>
          <parameter name="D" access="readWrite"><syntax><unsignedInt><range minInclusive="1" maxInclusive="9" step="2"/></unsignedInt></syntax></parameter>
        </object>
      </model>
    </dm:document>"#;
    let out = cwmp_datamodel_gen::generate(xml).unwrap();
    let body: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        body,
        [
            "M\tDevice:2.16",
            "O\tDevice.X.{i}.\tw\t0\t4\tXNumberOfEntries\tEnable\t!Alias;A,B",
            "P\tA\twfd\tstring\tIPv4Address\tS:15\tD1.2.3.4",
            "P\tC\twh\tstring\t-\tL:3:20\tEa%7Cb\tec",
            "P\tD\tw\tunsignedInt\t-\tR1:9:2",
        ]
    );
}
