//! Data sources through the SDK: a group's `cw:datasource:name`/`cw:datasource:type` tags make
//! it part of a data source; GetLogFields reports the fields its events hold, and
//! ListAggregateLogGroupSummaries counts groups per source.

use aws_sdk_cloudwatchlogs::types::{DataSourceFilter, ListAggregateLogGroupSummariesGroupBy};

use crate::common::*;

async fn tagged_group(h: &Harness, name: &str, source: &str, kind: &str) {
    h.client
        .create_log_group()
        .log_group_name(name)
        .tags("cw:datasource:name", source)
        .tags("cw:datasource:type", kind)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn get_log_fields_reports_the_fields_and_types_of_the_sources_events() {
    let h = harness().await;
    tagged_group(&h, "/shop/orders", "shop", "orders").await;
    tagged_group(&h, "/shop/other", "shop", "payments").await;
    h.stream("/shop/orders", "s").await;
    h.stream("/shop/other", "s").await;
    put_events(
        &h.client,
        "/shop/orders",
        "s",
        &[
            (
                NOW - 3,
                r#"{"id": 7, "total": 3, "paid": true, "items": ["a"], "who": {"name": "x"}}"#,
            ),
            (NOW - 2, r#"{"id": 8, "total": 4.5, "who": {"age": 3}}"#),
            (NOW - 1, "not json"),
        ],
    )
    .await;
    // Another type of the same source: its fields are not this source's.
    put_events(&h.client, "/shop/other", "s", &[(NOW, r#"{"card": "x"}"#)]).await;

    let out = h
        .client
        .get_log_fields()
        .data_source_name("shop")
        .data_source_type("orders")
        .send()
        .await
        .unwrap();
    let fields: Vec<(&str, &str)> = out
        .log_fields()
        .iter()
        .map(|f| {
            (
                f.log_field_name().unwrap(),
                f.log_field_type().unwrap().r#type().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [
            ("@ingestionTime", "timestamp"),
            ("@log", "string"),
            ("@logStream", "string"),
            ("@message", "string"),
            ("@timestamp", "timestamp"),
            ("id", "long"),
            ("items", "array"),
            ("paid", "boolean"),
            ("total", "double"),
            ("who", "struct"),
        ]
    );
    let items = out.log_fields()[6].log_field_type().unwrap();
    assert_eq!(items.element().unwrap().r#type(), Some("string"));
    let who = out.log_fields()[9].log_field_type().unwrap();
    let nested: Vec<_> = who
        .fields()
        .iter()
        .map(|f| f.log_field_name().unwrap())
        .collect();
    assert_eq!(nested, ["age", "name"]);

    let error = service_error(
        h.client
            .get_log_fields()
            .data_source_name("shop")
            .data_source_type("refunds")
            .send()
            .await,
    );
    assert_aws_error(
        &error,
        "ResourceNotFoundException",
        "The specified data source does not exist.",
    );
}

#[tokio::test]
async fn aggregate_summaries_count_groups_per_source_with_filters_and_paging() {
    let h = harness().await;
    tagged_group(&h, "/app/a1", "app", "access").await;
    tagged_group(&h, "/app/a2", "app", "access").await;
    tagged_group(&h, "/app/e1", "app", "error").await;
    tagged_group(&h, "/web/w1", "web", "access").await;
    h.group("/untagged").await;

    let out = h
        .client
        .list_aggregate_log_group_summaries()
        .group_by(ListAggregateLogGroupSummariesGroupBy::DataSourceNameAndType)
        .send()
        .await
        .unwrap();
    let summaries: Vec<(i32, Vec<(&str, &str)>)> = out
        .aggregate_log_group_summaries()
        .iter()
        .map(|s| {
            (
                s.log_group_count().unwrap(),
                s.grouping_identifiers()
                    .iter()
                    .map(|g| (g.key().unwrap(), g.value().unwrap()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        summaries,
        [
            (
                2,
                vec![("dataSource.Name", "app"), ("dataSource.Type", "access")]
            ),
            (
                1,
                vec![("dataSource.Name", "app"), ("dataSource.Type", "error")]
            ),
            (
                1,
                vec![("dataSource.Name", "web"), ("dataSource.Type", "access")]
            ),
        ]
    );
    assert_eq!(out.next_token(), None);

    // Filters (data source, name pattern) and pages of one.
    let first = h
        .client
        .list_aggregate_log_group_summaries()
        .group_by(ListAggregateLogGroupSummariesGroupBy::DataSourceNameTypeAndFormat)
        .data_sources(DataSourceFilter::builder().name("app").build().unwrap())
        .log_group_name_pattern("^/app")
        .limit(1)
        .send()
        .await
        .unwrap();
    let [summary] = first.aggregate_log_group_summaries() else {
        panic!("{first:?}")
    };
    assert_eq!(summary.log_group_count(), Some(2));
    assert_eq!(summary.grouping_identifiers().len(), 3);
    let second = h
        .client
        .list_aggregate_log_group_summaries()
        .group_by(ListAggregateLogGroupSummariesGroupBy::DataSourceNameTypeAndFormat)
        .data_sources(DataSourceFilter::builder().name("app").build().unwrap())
        .log_group_name_pattern("^/app")
        .limit(1)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    let [summary] = second.aggregate_log_group_summaries() else {
        panic!("{second:?}")
    };
    assert_eq!(summary.grouping_identifiers()[1].value(), Some("error"));
    assert_eq!(second.next_token(), None);

    let error = service_error(
        h.client
            .list_aggregate_log_group_summaries()
            .group_by(ListAggregateLogGroupSummariesGroupBy::from("BY_NOTHING"))
            .limit(51)
            .send()
            .await,
    );
    assert_aws_error(
        &error,
        "InvalidParameterException",
        "2 validation errors detected: Value 'BY_NOTHING' at 'groupBy' failed to satisfy \
         constraint: Member must satisfy enum value set: [DATA_SOURCE_NAME_TYPE_AND_FORMAT, \
         DATA_SOURCE_NAME_AND_TYPE]; Value '51' at 'limit' failed to satisfy constraint: Member \
         must have value less than or equal to 50",
    );
}

#[tokio::test]
async fn a_group_a_vended_delivery_writes_to_has_that_services_data_source() {
    use aws_sdk_cloudwatchlogs::types::DeliveryDestinationConfiguration;

    let h = harness().await;
    h.group("/vended/cf").await;
    h.group("/plain").await;
    h.client
        .put_delivery_source()
        .name("cf")
        .resource_arn("arn:aws:cloudfront::000000000000:distribution/E1Q5F5862X9VJ5")
        .log_type("ACCESS_LOGS")
        .send()
        .await
        .unwrap();
    h.client
        .put_delivery_destination()
        .name("to-group")
        .delivery_destination_configuration(
            DeliveryDestinationConfiguration::builder()
                .destination_resource_arn(
                    "arn:aws:logs:us-east-1:000000000000:log-group:/vended/cf:*",
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    h.client
        .create_delivery()
        .delivery_source_name("cf")
        .delivery_destination_arn(
            "arn:aws:logs:us-east-1:000000000000:delivery-destination:to-group",
        )
        .send()
        .await
        .unwrap();

    // AWS's name and type for CloudFront access logs (user guide, "Supported AWS services for
    // data sources").
    let listed = h
        .client
        .list_log_groups()
        .data_sources(
            DataSourceFilter::builder()
                .name("amazon_cloudfront")
                .r#type("access")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let names: Vec<_> = listed
        .log_groups()
        .iter()
        .map(|g| g.log_group_name().unwrap())
        .collect();
    assert_eq!(names, ["/vended/cf"]);
    let fields = h
        .client
        .get_log_fields()
        .data_source_name("amazon_cloudfront")
        .data_source_type("access")
        .send()
        .await
        .unwrap();
    // Nothing was delivered yet: the source exists, its groups hold no events.
    assert!(fields.log_fields().is_empty());
}
