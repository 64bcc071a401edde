import { describe, expect, it } from 'vitest';
import {
  parsePrometheusText,
  parseSelector,
  PromParseError,
  typeOf,
} from '../../src/collect/prometheusText.js';

describe('parsePrometheusText', () => {
  it('parses HELP/TYPE, labels, escapes, timestamps, NaN and infinities, histograms', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400"}    3 1395066363000',
      '',
      '# Escaping in label values:',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      '# A weird metric from before the epoch, without labels:',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'not_a_number NaN',
      'minus_inf{ a = "1" , } -Inf',
      '# TYPE http_request_duration_seconds histogram',
      'http_request_duration_seconds_bucket{le="0.05"} 24054',
      'http_request_duration_seconds_bucket{le="+Inf"} 144320',
      'http_request_duration_seconds_sum 53423',
      'http_request_duration_seconds_count 144320',
      '\tindented_gauge\t7',
    ].join('\n');
    const { samples, types } = parsePrometheusText(text);
    expect(samples[0]).toEqual({
      name: 'http_requests_total',
      labels: { method: 'post', code: '200' },
      value: 1027,
      timestampMs: 1395066363000,
    });
    expect(samples[2]!.labels).toEqual({
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    expect(samples[3]).toMatchObject({ value: Infinity, timestampMs: -3982045 });
    expect(samples[4]!.value).toBeNaN();
    expect(samples[5]).toEqual({ name: 'minus_inf', labels: { a: '1' }, value: -Infinity });
    expect(samples[7]).toEqual({
      name: 'http_request_duration_seconds_bucket',
      labels: { le: '+Inf' },
      value: 144320,
    });
    expect(samples[10]).toEqual({ name: 'indented_gauge', labels: {}, value: 7 });
    expect(samples).toHaveLength(11);
    expect([...types]).toEqual([
      ['http_requests_total', 'counter'],
      ['http_request_duration_seconds', 'histogram'],
    ]);
  });

  it.each([
    ['x{a="1"', /line 2: expected '}'/],
    ['x{a="1} 3', /line 2: unterminated label value/],
    ['x{a="\\t"} 3', /line 2: invalid escape "\\t"/],
    ['x 12abc', /line 2: invalid sample value "12abc"/],
    ['x 1 2.5', /line 2: invalid timestamp "2.5"/],
    ['x 1 2 3', /line 2: unexpected text after the timestamp/],
    ['x{a="1",a="2"} 1', /line 2: label "a" repeated/],
    ['# TYPE x colour', /line 2: invalid TYPE line/],
    ['{"utf8.name"} 1', /line 2: expected a metric name/],
  ])('rejects %s naming the line', (line, message) => {
    expect(() => parsePrometheusText(`ok 1\n${line}\n`)).toThrow(PromParseError);
    expect(() => parsePrometheusText(`ok 1\n${line}\n`)).toThrow(message);
  });
});

describe('parseSelector', () => {
  it('reads a name with or without labels', () => {
    expect(parseSelector('cache_hits_total')).toEqual({ name: 'cache_hits_total', labels: {} });
    expect(
      parseSelector('http_request_duration_seconds_count{route="/embed", method="POST"}'),
    ).toEqual({
      name: 'http_request_duration_seconds_count',
      labels: { route: '/embed', method: 'POST' },
    });
  });

  it('rejects anything else', () => {
    expect(() => parseSelector('rate(x[5m])')).toThrow(/unexpected text after the selector/);
    expect(() => parseSelector('x{route=/embed}')).toThrow(PromParseError);
  });
});

describe('typeOf', () => {
  const types = new Map([
    ['latency_seconds', 'histogram'],
    ['queue_depth', 'gauge'],
  ] as const);

  it("finds a series' family through its suffix", () => {
    expect(typeOf(types, 'latency_seconds_bucket')).toBe('histogram');
    expect(typeOf(types, 'queue_depth')).toBe('gauge');
    expect(typeOf(types, 'other_total')).toBe('untyped');
  });
});
