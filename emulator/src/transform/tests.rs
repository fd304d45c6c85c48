//! One table per processor: a configuration, an input message, the transformed message (or
//! `None` when the event fails). Examples marked "user guide" are AWS's documented examples
//! (CloudWatch Logs user guide, "Processors that you can use": configurable parsers, JSON
//! mutate, string mutate and datatype converter pages).

use super::config::ProcessorConfig;
use super::{Metadata, Transformer};

fn config(json: &str) -> Vec<ProcessorConfig> {
    serde_json::from_str(json).expect("test configuration is JSON")
}

fn run(transformer: &str, message: &str) -> Option<String> {
    let meta = Metadata {
        log_group: "my-group",
        log_stream: "my-stream",
        account_id: "123456789012",
        region: "us-east-1",
    };
    Transformer::compile(&config(transformer))
        .expect("test configuration compiles")
        .apply(message, &meta)
        .ok()
}

fn table(cases: &[(&str, &str, Option<&str>)]) {
    for (transformer, message, expected) in cases {
        assert_eq!(
            run(transformer, message).as_deref(),
            *expected,
            "transformer {transformer} on {message}"
        );
    }
}

fn refused(transformer: &str) -> String {
    Transformer::compile(&config(transformer)).expect_err("configuration is refused")
}

#[test]
fn parse_json() {
    table(&[
        // user guide: parseJSON without and with a destination
        (
            r#"[{"parseJSON":{}}]"#,
            r#"{"outer_key":{"inner_key":"inner_value"}}"#,
            Some(r#"{"outer_key":{"inner_key":"inner_value"}}"#),
        ),
        (
            r#"[{"parseJSON":{"destination":"new_key"}}]"#,
            r#"{"outer_key":{"inner_key":"inner_value"}}"#,
            Some(r#"{"new_key":{"outer_key":{"inner_key":"inner_value"}}}"#),
        ),
        // keys keep their order; nested parse of a field
        (
            r#"[{"parseJSON":{}},{"parseJSON":{"source":"inner","destination":"parsed"}}]"#,
            r#"{"z":1,"a":2,"inner":"{\"x\":true}"}"#,
            Some(r#"{"z":1,"a":2,"inner":"{\"x\":true}","parsed":{"x":true}}"#),
        ),
        (r#"[{"parseJSON":{}}]"#, "not json", None),
    ]);
}

#[test]
fn parse_key_value() {
    table(&[
        // user guide: parseKeyValue defaults
        (
            r#"[{"parseKeyValue":{"destination":"new_key","fieldDelimiter":"&","keyValueDelimiter":"=","overwriteIfExists":true}}]"#,
            "key1=value1&key2=value2",
            Some(r#"{"new_key":{"key1":"value1","key2":"value2"}}"#),
        ),
        (
            r#"[{"parseKeyValue":{"fieldDelimiter":" ","keyValueDelimiter":":","keyPrefix":"kv_","nonMatchValue":"none"}}]"#,
            "a:1 b:2 lonely",
            Some(r#"{"kv_a":"1","kv_b":"2","kv_lonely":"none"}"#),
        ),
    ]);
}

#[test]
fn csv() {
    table(&[
        // user guide: csv with quoteCharacter and columns
        (
            r#"[{"csv":{"quoteCharacter":"'","delimiter":",","columns":["Name","Age","Location"]}}]"#,
            "'Akua Mansa',28,'New York, USA'",
            Some(r#"{"Name":"Akua Mansa","Age":"28","Location":"New York, USA"}"#),
        ),
        (
            r#"[{"csv":{}}]"#,
            r#"a,"b,c",d"#,
            Some(r#"{"column_1":"a","column_2":"b,c","column_3":"d"}"#),
        ),
        (
            r#"[{"csv":{"delimiter":"\\t","columns":["x","y"]}}]"#,
            "1\t2",
            Some(r#"{"x":"1","y":"2"}"#),
        ),
    ]);
}

#[test]
fn grok() {
    table(&[
        // user guide, grok example 1
        (
            r#"[{"grok":{"match":"%{TIMESTAMP_ISO8601:timestamp} %{LOGLEVEL:level} %{GREEDYDATA:message}"}}]"#,
            "2024-11-08T12:34:56Z INFO Something happened",
            Some(
                r#"{"timestamp":"2024-11-08T12:34:56Z","level":"INFO","message":"Something happened"}"#,
            ),
        ),
        // dotted field names nest; :int converts
        (
            r#"[{"grok":{"match":"%{IP:client.ip} %{WORD:method} %{NUMBER:took:int}"}}]"#,
            "10.0.0.1 GET 42",
            Some(r#"{"client":{"ip":"10.0.0.1"},"method":"GET","took":42}"#),
        ),
        (
            r#"[{"grok":{"match":"%{COMMONAPACHELOG}"}}]"#,
            r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#,
            Some(
                r#"{"clientip":"127.0.0.1","ident":"-","auth":"frank","timestamp":"10/Oct/2000:13:55:36 -0700","verb":"GET","request":"/apache_pb.gif","httpversion":"1.0","response":"200","bytes":"2326"}"#,
            ),
        ),
        (r#"[{"grok":{"match":"%{INT:n}"}}]"#, "no digits", None),
    ]);
    assert!(refused(r#"[{"grok":{"match":"%{NOSUCHPATTERN:x}"}}]"#).contains("NOSUCHPATTERN"));
}

#[test]
fn vended_parsers() {
    table(&[
        (
            r#"[{"parseVPC":{}}]"#,
            "2 123456789010 eni-abc123de 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
            Some(r#"{"version":"2","account_id":"123456789010","interface_id":"eni-abc123de","srcaddr":"172.31.16.139","dstaddr":"172.31.16.21","srcport":"20641","dstport":"22","protocol":"6","packets":"20","bytes":"4249","start":"1418530010","end":"1418530070","action":"ACCEPT","log_status":"OK"}"#),
        ),
        (
            r#"[{"parseRoute53":{}}]"#,
            "1.0 2017-12-13T08:15:50.235Z Z123412341234 example.com AAAA NOERROR TCP IAD12 192.0.2.0 192.0.2.0/24",
            Some(r#"{"version":"1.0","queryTimestamp":"2017-12-13T08:15:50.235Z","hostZoneId":"Z123412341234","queryName":"example.com","queryType":"AAAA","responseCode":"NOERROR","protocol":"TCP","edgeLocation":"IAD12","resolverIp":"192.0.2.0","ednsClientSubnet":"192.0.2.0/24"}"#),
        ),
        (
            r#"[{"parsePostgres":{}}]"#,
            "2019-03-10 03:54:59 UTC:10.0.0.123(52834):postgres@logtestdb:[20175]:ERROR:  column \"wrong\" does not exist",
            Some(r#"{"logTime":"2019-03-10 03:54:59 UTC","srcIp":"10.0.0.123","srcPort":"52834","userName":"postgres","dbName":"logtestdb","processId":"20175","logLevel":"ERROR","message":"column \"wrong\" does not exist"}"#),
        ),
        (
            r#"[{"parseWAF":{}}]"#,
            r#"{"timestamp":1576280412771,"action":"ALLOW"}"#,
            Some(r#"{"timestamp":1576280412771,"action":"ALLOW"}"#),
        ),
        (r#"[{"parseVPC":{}}]"#, "too short", None),
    ]);
    assert!(refused(r#"[{"parseVPC":{"source":"other"}}]"#).contains("@message"));
    assert!(refused(r#"[{"parseJSON":{}},{"parseVPC":{}}]"#).contains("first"));
}

#[test]
fn add_and_delete_keys() {
    table(&[
        // user guide: addKeys
        (
            r#"[{"parseJSON":{}},{"addKeys":{"entries":[{"key":"outer_key.new_key","value":"new_value"}]}}]"#,
            r#"{"outer_key":{"inner_key":"inner_value"}}"#,
            Some(r#"{"outer_key":{"inner_key":"inner_value","new_key":"new_value"}}"#),
        ),
        (
            r#"[{"parseJSON":{}},{"addKeys":{"entries":[{"key":"a","value":"new"},{"key":"b","value":"new","overwriteIfExists":true}]}}]"#,
            r#"{"a":"old","b":"old"}"#,
            Some(r#"{"a":"old","b":"new"}"#),
        ),
        // user guide: deleteKeys
        (
            r#"[{"parseJSON":{}},{"deleteKeys":{"withKeys":["outer_key.inner_key"]}}]"#,
            r#"{"outer_key":{"inner_key":"inner_value"}}"#,
            Some(r#"{"outer_key":{}}"#),
        ),
    ]);
}

#[test]
fn move_rename_copy() {
    table(&[
        // user guide: moveKeys
        (
            r#"[{"parseJSON":{}},{"moveKeys":{"entries":[{"source":"outer_key.inner_key","target":"new_key"}]}}]"#,
            r#"{"outer_key":{"inner_key":"inner_value"}}"#,
            Some(r#"{"outer_key":{},"new_key":"inner_value"}"#),
        ),
        // user guide: renameKeys
        (
            r#"[{"parseJSON":{}},{"renameKeys":{"entries":[{"key":"outer_key","renameTo":"new_key"}]}}]"#,
            r#"{"outer_key":{"inner_key":"inner_value"}}"#,
            Some(r#"{"new_key":{"inner_key":"inner_value"}}"#),
        ),
        // user guide: copyValue, and the metadata keys
        (
            r#"[{"parseJSON":{}},{"copyValue":{"entries":[{"source":"outer_key.new_key","target":"new_key"},{"source":"@logGroupName","target":"log_group"},{"source":"@regionName","target":"region"}]}}]"#,
            r#"{"outer_key":{"new_key":"new_value"}}"#,
            Some(
                r#"{"outer_key":{"new_key":"new_value"},"new_key":"new_value","log_group":"my-group","region":"us-east-1"}"#,
            ),
        ),
        // no overwrite by default
        (
            r#"[{"parseJSON":{}},{"renameKeys":{"entries":[{"key":"a","renameTo":"b"}]}}]"#,
            r#"{"a":1,"b":2}"#,
            Some(r#"{"a":1,"b":2}"#),
        ),
    ]);
}

#[test]
fn list_to_map() {
    let input = r#"{"outer_key":[{"inner_key":"a","inner_value":"val-a"},{"inner_key":"b","inner_value":"val-b1"},{"inner_key":"b","inner_value":"val-b2"},{"inner_key":"c","inner_value":"val-c"}]}"#;
    let list = r#"{"outer_key":[{"inner_key":"a","inner_value":"val-a"},{"inner_key":"b","inner_value":"val-b1"},{"inner_key":"b","inner_value":"val-b2"},{"inner_key":"c","inner_value":"val-c"}]"#;
    let plain = format!(r#"{list},"a":["val-a"],"b":["val-b1","val-b2"],"c":["val-c"]}}"#);
    let first = format!(r#"{list},"a":"val-a","b":"val-b1","c":"val-c"}}"#);
    let last = format!(r#"{list},"a":"val-a","b":"val-b2","c":"val-c"}}"#);
    table(&[
        // user guide: listToMap with valueKey, then flattened first / last
        (
            r#"[{"parseJSON":{}},{"listToMap":{"source":"outer_key","key":"inner_key","valueKey":"inner_value"}}]"#,
            input,
            Some(&plain),
        ),
        (
            r#"[{"parseJSON":{}},{"listToMap":{"source":"outer_key","key":"inner_key","valueKey":"inner_value","flatten":true,"flattenedElement":"first"}}]"#,
            input,
            Some(&first),
        ),
        (
            r#"[{"parseJSON":{}},{"listToMap":{"source":"outer_key","key":"inner_key","valueKey":"inner_value","flatten":true,"flattenedElement":"last"}}]"#,
            input,
            Some(&last),
        ),
    ]);
    assert!(
        refused(r#"[{"parseJSON":{}},{"listToMap":{"source":"s","key":"k","flatten":true}}]"#)
            .contains("flattenedElement")
    );
}

#[test]
fn string_mutators() {
    table(&[
        // user guide: lowerCaseString, upperCaseString, trimString
        (
            r#"[{"parseJSON":{}},{"lowerCaseString":{"withKeys":["outer_key"]}}]"#,
            r#"{"outer_key":"INNER_VALUE"}"#,
            Some(r#"{"outer_key":"inner_value"}"#),
        ),
        (
            r#"[{"parseJSON":{}},{"upperCaseString":{"withKeys":["outer_key"]}}]"#,
            r#"{"outer_key":"inner_value"}"#,
            Some(r#"{"outer_key":"INNER_VALUE"}"#),
        ),
        (
            r#"[{"parseJSON":{}},{"trimString":{"withKeys":["outer_key"]}}]"#,
            r#"{"outer_key":"   inner_value  "}"#,
            Some(r#"{"outer_key":"inner_value"}"#),
        ),
        // user guide: splitString
        (
            r#"[{"parseJSON":{}},{"splitString":{"entries":[{"source":"outer_key.inner_key","delimiter":"_"}]}}]"#,
            r#"{"outer_key":{"inner_key":"inner_value"}}"#,
            Some(r#"{"outer_key":{"inner_key":["inner","value"]}}"#),
        ),
        // substituteString: `from` is a regular expression, every match is replaced
        (
            r#"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"outer_key.inner_key1","from":"\\[","to":"]"},{"source":"outer_key.inner_key2","from":"[0-9]{3}-[0-9]{3}-[0-9]{4}","to":"xxx-xxx-xxxx"}]}}]"#,
            r#"{"outer_key":{"inner_key1":"[]","inner_key2":"123-345-567-8910"}}"#,
            Some(r#"{"outer_key":{"inner_key1":"]]","inner_key2":"123-xxx-xxx-xxxx"}}"#),
        ),
    ]);
}

#[test]
fn type_converter() {
    table(&[
        // user guide: typeConverter
        (
            r#"[{"parseJSON":{}},{"typeConverter":{"entries":[{"key":"status","type":"integer"}]}}]"#,
            r#"{"name":"value","status":"200"}"#,
            Some(r#"{"name":"value","status":200}"#),
        ),
        (
            r#"[{"parseJSON":{}},{"typeConverter":{"entries":[{"key":"a","type":"double"},{"key":"b","type":"boolean"},{"key":"c","type":"string"}]}}]"#,
            r#"{"a":"1.5","b":"TRUE","c":7}"#,
            Some(r#"{"a":1.5,"b":true,"c":"7"}"#),
        ),
        (
            r#"[{"parseJSON":{}},{"typeConverter":{"entries":[{"key":"a","type":"integer"}]}}]"#,
            r#"{"a":"abc"}"#,
            None,
        ),
    ]);
}

#[test]
fn date_time_converter() {
    table(&[
        (
            r#"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"iso","matchPatterns":["MM/dd/yyyy HH:mm:ss"]}}]"#,
            r#"{"t":"11/08/2024 12:34:56"}"#,
            Some(r#"{"t":"11/08/2024 12:34:56","iso":"2024-11-08T12:34:56.000Z"}"#),
        ),
        (
            r#"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"t","matchPatterns":["yyyy-MM-dd'T'HH:mm:ss.SSSXXX"],"targetFormat":"dd MMM yyyy HH:mm","targetTimezone":"+02:00"}}]"#,
            r#"{"t":"2024-02-29T23:30:00.000-01:00"}"#,
            Some(r#"{"t":"01 Mar 2024 02:30"}"#),
        ),
        (
            r#"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"iso","matchPatterns":["yyyy-MM-dd"]}}]"#,
            r#"{"t":"yesterday"}"#,
            None,
        ),
    ]);
}

#[test]
fn date_time_converter_in_iana_zones() {
    let from_new_york = r#"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"utc","matchPatterns":["yyyy-MM-dd HH:mm:ss"],"sourceTimezone":"America/New_York"}}]"#;
    let to_paris = r#"[{"parseJSON":{}},{"dateTimeConverter":{"source":"t","target":"paris","matchPatterns":["yyyy-MM-dd'T'HH:mm:ssX"],"targetFormat":"yyyy-MM-dd HH:mm z (XXX)","targetTimezone":"Europe/Paris"}}]"#;
    table(&[
        // Winter (EST, -05:00) and summer (EDT, -04:00) in one zone.
        (
            from_new_york,
            r#"{"t":"2024-01-15 12:00:00"}"#,
            Some(r#"{"t":"2024-01-15 12:00:00","utc":"2024-01-15T17:00:00.000Z"}"#),
        ),
        (
            from_new_york,
            r#"{"t":"2024-07-01 12:00:00"}"#,
            Some(r#"{"t":"2024-07-01 12:00:00","utc":"2024-07-01T16:00:00.000Z"}"#),
        ),
        // 02:30 does not exist on 10 March 2024: Java moves it forward by the gap (03:30 EDT).
        (
            from_new_york,
            r#"{"t":"2024-03-10 02:30:00"}"#,
            Some(r#"{"t":"2024-03-10 02:30:00","utc":"2024-03-10T07:30:00.000Z"}"#),
        ),
        // 01:30 happens twice on 3 November 2024: Java takes the earlier (EDT).
        (
            from_new_york,
            r#"{"t":"2024-11-03 01:30:00"}"#,
            Some(r#"{"t":"2024-11-03 01:30:00","utc":"2024-11-03T05:30:00.000Z"}"#),
        ),
        // Paris changes at 01:00Z on 31 March 2024.
        (
            to_paris,
            r#"{"t":"2024-03-31T00:30:00Z"}"#,
            Some(r#"{"t":"2024-03-31T00:30:00Z","paris":"2024-03-31 01:30 CET (+01:00)"}"#),
        ),
        (
            to_paris,
            r#"{"t":"2024-03-31T01:30:00Z"}"#,
            Some(r#"{"t":"2024-03-31T01:30:00Z","paris":"2024-03-31 03:30 CEST (+02:00)"}"#),
        ),
    ]);
    for zone in ["Mars/Olympus", "america/new_york", "EST5"] {
        let why = refused(&format!(
            r#"[{{"parseJSON":{{}}}},{{"dateTimeConverter":{{"source":"t","target":"t","matchPatterns":["yyyy"],"sourceTimezone":"{zone}"}}}}]"#
        ));
        assert!(why.contains(zone), "{why}");
    }
}

#[test]
fn configuration_rules() {
    assert!(refused(r#"[{"addKeys":{"entries":[{"key":"a","value":"b"}]}}]"#).contains("parser"));
    assert!(refused(r#"[{"parseJSON":{},"csv":{}}]"#).contains("exactly one"));
    assert!(refused(r#"[{}]"#).contains("exactly one"));
    assert!(
        refused(r#"[{"grok":{"match":"%{INT:a}"}},{"grok":{"match":"%{INT:b}"}}]"#)
            .contains("grok")
    );
    assert!(refused(r#"[{"parseJSON":{}},{"parseJSON":{}},{"parseJSON":{}},{"parseJSON":{}},{"parseJSON":{}},{"parseJSON":{}}]"#).contains("5"));
    assert!(refused(r#"[{"parseJSON":{}},{"addKeys":{"entries":[]}}]"#).contains("entries"));
    assert!(refused(
        r#"[{"parseJSON":{}},{"typeConverter":{"entries":[{"key":"a","type":"long"}]}}]"#
    )
    .contains("type"));
    assert!(refused(r#"[{"parseJSON":{}},{"substituteString":{"entries":[{"source":"a","from":"(","to":"x"}]}}]"#).contains("regular expression"));
}

/// AWS documents parseToOCSF's parameters but no output: these follow the OCSF classes
/// (see `ocsf.rs`), one record per event source.
#[test]
fn parse_to_ocsf() {
    let cases: [(&str, &str, Option<&str>); 7] = [
        (
            r#"[{"parseToOCSF":{"eventSource":"CloudTrail","ocsfVersion":"V1.1"}}]"#,
            r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::123456789012:user/alice","accountId":"123456789012","accessKeyId":"AKIAEXAMPLE"},"eventTime":"2024-05-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"CreateBucket","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2.0","requestID":"R1","eventID":"E1","recipientAccountId":"123456789012"}"#,
            OCSF_CLOUDTRAIL,
        ),
        (
            r#"[{"parseToOCSF":{"eventSource":"CloudTrail","ocsfVersion":"V1.5"}}]"#,
            r#"{"userIdentity":{"type":"Root"},"eventTime":"2024-05-01T12:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances","errorCode":"UnauthorizedOperation","errorMessage":"denied","awsRegion":"eu-west-1"}"#,
            OCSF_CLOUDTRAIL_FAILED,
        ),
        (
            r#"[{"parseToOCSF":{"eventSource":"VPCFlow","ocsfVersion":"V1.1"}}]"#,
            "2 123456789012 eni-0abc 10.0.0.1 10.0.0.2 443 49152 6 10 8400 1714564800 1714564860 ACCEPT OK",
            OCSF_VPC,
        ),
        (
            r#"[{"parseToOCSF":{"eventSource":"Route53Resolver","ocsfVersion":"V1.1"}}]"#,
            r#"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2024-05-01T12:00:00Z","query_name":"example.com.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"192.0.2.10","Type":"A","Class":"IN"}],"srcaddr":"10.0.0.5","srcport":"53211","transport":"UDP","srcids":{"instance":"i-1"}}"#,
            OCSF_ROUTE53,
        ),
        (
            r#"[{"parseToOCSF":{"eventSource":"EKSAudit","ocsfVersion":"V1.1"}}]"#,
            r#"{"kind":"Event","auditID":"A1","verb":"delete","requestURI":"/api/v1/namespaces/default/pods/web","user":{"username":"admin","uid":"u1"},"sourceIPs":["10.0.0.9"],"userAgent":"kubectl","objectRef":{"resource":"pods","namespace":"default","name":"web"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2024-05-01T12:00:00.123456Z"}"#,
            OCSF_EKS,
        ),
        (
            r#"[{"parseToOCSF":{"eventSource":"AWSWAF","ocsfVersion":"V1.1"}}]"#,
            r#"{"timestamp":1714564800000,"webaclId":"arn:aws:wafv2:us-east-1:123456789012:regional/webacl/w/1","terminatingRuleId":"Block-SQLi","terminatingRuleType":"MANAGED_RULE_GROUP","action":"BLOCK","httpRequest":{"clientIp":"198.51.100.7","country":"FR","uri":"/login","args":"id=1","httpVersion":"HTTP/1.1","httpMethod":"POST","requestId":"W1"}}"#,
            OCSF_WAF,
        ),
        // A record that is not its source's format fails the event.
        (
            r#"[{"parseToOCSF":{"eventSource":"CloudTrail","ocsfVersion":"V1.1"}}]"#,
            "plain text",
            None,
        ),
    ];
    for (transformer, message, expected) in cases {
        let got = run(transformer, message);
        match (got.as_deref(), expected) {
            (Some(got), Some(expected)) => assert_eq!(
                serde_json::from_str::<serde_json::Value>(got).unwrap(),
                serde_json::from_str::<serde_json::Value>(expected).unwrap(),
                "{transformer}: {got}"
            ),
            (got, expected) => assert_eq!(got, expected, "{transformer}"),
        }
    }
    assert!(
        refused(r#"[{"parseToOCSF":{"eventSource":"GuardDuty","ocsfVersion":"V1.1"}}]"#)
            .contains("eventSource")
    );
    assert!(
        refused(r#"[{"parseToOCSF":{"eventSource":"VPCFlow","ocsfVersion":"V2"}}]"#)
            .contains("ocsfVersion")
    );
}

const OCSF_CLOUDTRAIL: Option<&str> = Some(
    r#"{"class_uid":6003,"category_uid":6,"activity_id":1,"type_uid":600301,"severity_id":1,"time":1714564800000,"metadata":{"version":"1.1.0","product":{"name":"CloudTrail","vendor_name":"AWS"},"uid":"E1"},"api":{"operation":"CreateBucket","service":{"name":"s3.amazonaws.com"},"request":{"uid":"R1"}},"actor":{"user":{"type":"IAMUser","uid":"AIDAEXAMPLE","uid_alt":"arn:aws:iam::123456789012:user/alice","credential_uid":"AKIAEXAMPLE","account":{"uid":"123456789012"}}},"src_endpoint":{"ip":"192.0.2.1"},"http_request":{"user_agent":"aws-cli/2.0"},"cloud":{"provider":"AWS","region":"us-east-1","account":{"uid":"123456789012"}},"status_id":1,"status":"Success"}"#,
);
const OCSF_CLOUDTRAIL_FAILED: Option<&str> = Some(
    r#"{"class_uid":6003,"category_uid":6,"activity_id":4,"type_uid":600304,"severity_id":1,"time":1714564800000,"metadata":{"version":"1.5.0","product":{"name":"CloudTrail","vendor_name":"AWS"}},"api":{"operation":"TerminateInstances","service":{"name":"ec2.amazonaws.com"},"response":{"error":"UnauthorizedOperation","message":"denied"}},"actor":{"user":{"type":"Root"}},"cloud":{"provider":"AWS","region":"eu-west-1"},"status_id":2,"status":"Failure"}"#,
);
const OCSF_VPC: Option<&str> = Some(
    r#"{"class_uid":4001,"category_uid":4,"activity_id":6,"type_uid":400106,"severity_id":1,"time":1714564860000,"metadata":{"version":"1.1.0","product":{"name":"Amazon VPC","vendor_name":"AWS"}},"src_endpoint":{"ip":"10.0.0.1","port":443,"interface_uid":"eni-0abc"},"dst_endpoint":{"ip":"10.0.0.2","port":49152},"connection_info":{"protocol_num":6},"traffic":{"packets":10,"bytes":8400},"start_time":1714564800000,"end_time":1714564860000,"action_id":1,"action":"Allowed","disposition_id":1,"cloud":{"provider":"AWS","account":{"uid":"123456789012"}},"unmapped":{"version":"2","log_status":"OK"}}"#,
);
const OCSF_ROUTE53: Option<&str> = Some(
    r#"{"class_uid":4003,"category_uid":4,"activity_id":2,"type_uid":400302,"severity_id":1,"time":1714564800000,"metadata":{"version":"1.1.0","product":{"name":"Route 53","vendor_name":"AWS"}},"query":{"hostname":"example.com.","type":"A","class":"IN"},"rcode":"NOERROR","answers":[{"rdata":"192.0.2.10","type":"A","class":"IN"}],"src_endpoint":{"ip":"10.0.0.5","port":53211,"vpc_uid":"vpc-1","instance_uid":"i-1"},"connection_info":{"protocol_name":"UDP"},"cloud":{"provider":"AWS","region":"us-east-1","account":{"uid":"123456789012"}},"status_id":1,"status":"Success"}"#,
);
const OCSF_EKS: Option<&str> = Some(
    r#"{"class_uid":6003,"category_uid":6,"activity_id":4,"type_uid":600304,"severity_id":1,"time":1714564800123,"metadata":{"version":"1.1.0","product":{"name":"Amazon EKS","vendor_name":"AWS"},"uid":"A1"},"api":{"operation":"delete","request":{"uid":"A1"},"response":{"code":200}},"actor":{"user":{"name":"admin","uid":"u1"}},"src_endpoint":{"ip":"10.0.0.9"},"http_request":{"user_agent":"kubectl","url":{"path":"/api/v1/namespaces/default/pods/web"}},"resources":[{"type":"pods","name":"web","namespace":"default"}],"status_id":1,"status":"Success"}"#,
);
const OCSF_WAF: Option<&str> = Some(
    r#"{"class_uid":4002,"category_uid":4,"activity_id":6,"type_uid":400206,"severity_id":1,"time":1714564800000,"metadata":{"version":"1.1.0","product":{"name":"AWS WAF","vendor_name":"AWS"},"uid":"W1"},"http_request":{"http_method":"POST","version":"HTTP/1.1","url":{"path":"/login","query_string":"id=1"},"uid":"W1"},"src_endpoint":{"ip":"198.51.100.7","location":{"country":"FR"}},"firewall_rule":{"uid":"Block-SQLi","type":"MANAGED_RULE_GROUP"},"action_id":2,"action":"Denied","disposition_id":2,"cloud":{"provider":"AWS"},"unmapped":{"webaclId":"arn:aws:wafv2:us-east-1:123456789012:regional/webacl/w/1"}}"#,
);
