import { describe, expect, it } from 'vitest';
import { builtinConnectors } from '../../../connectors/index.js';
import {
  parseConnectorConfig,
  parseProperties,
  parseWorkerConfig,
} from '../../../src/connect/runtime/index.js';
import { ConfigError } from '../../../src/errors.js';

const source = { name: 'lines', 'connector.class': 'FileStreamSource', file: '/tmp/x.log', topic: 't' };

describe('connect › runtime › connector config', () => {
  it("accepts Kafka's class names and fills in defaults", () => {
    const parsed = parseConnectorConfig(
      { ...source, 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector' },
      builtinConnectors,
    );
    expect(parsed.definition.name).toBe('FileStreamSource');
    expect(parsed.common['tasks.max']).toBe(1);
    expect(parsed.common['errors.tolerance']).toBe('none');
    expect(parsed.own).toEqual({
      file: '/tmp/x.log',
      topic: 't',
      'batch.size': 2000,
      tail: true,
      'poll.interval.ms': 500,
    });
  });

  it("suggests the nearest key, whether it is the runtime's or the connector's", () => {
    expect(() => parseConnectorConfig({ ...source, 'tasks.mx': 2 }, builtinConnectors)).toThrowError(
      /did you mean "tasks.max"/,
    );
    expect(() => parseConnectorConfig({ ...source, 'batch.sze': 2 }, builtinConnectors)).toThrowError(
      /did you mean "batch.size"/,
    );
    try {
      parseConnectorConfig({ ...source, 'errors.tolerence': 'all' }, builtinConnectors);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).key).toBe('errors.tolerence');
      expect((err as ConfigError).suggestion).toBe('errors.tolerance');
      expect((err as ConfigError).message).toMatch(/^connector "lines": /);
    }
  });

  it('suggests the nearest plugin for a typo in connector.class', () => {
    expect(() =>
      parseConnectorConfig({ ...source, 'connector.class': 'FileStreamSorce' }, builtinConnectors),
    ).toThrowError(/did you mean "FileStreamSource"/);
  });

  it('requires topics or topics.regex for sinks, and errors.tolerance=all for a dead-letter topic', () => {
    const sink = { name: 's', 'connector.class': 'FileStreamSink', file: '/tmp/o' };
    expect(() => parseConnectorConfig(sink, builtinConnectors)).toThrowError(/topics or topics.regex/);
    expect(parseConnectorConfig({ ...sink, topics: 'a, b' }, builtinConnectors).common.topics).toEqual([
      'a',
      'b',
    ]);
    expect(() =>
      parseConnectorConfig(
        { ...sink, topics: 'a', 'errors.deadletterqueue.topic.name': 'dlq' },
        builtinConnectors,
      ),
    ).toThrowError(/errors.tolerance=all/);
  });

  it("validates converter and transform keys with their owner's schema", () => {
    expect(() =>
      parseConnectorConfig(
        { ...source, 'value.converter': 'json', 'value.converter.schemas.enabled': 'false' },
        builtinConnectors,
      ),
    ).toThrowError(/did you mean "schemas.enable"/);
    expect(() =>
      parseConnectorConfig({ ...source, transforms: 'x', 'transforms.x.type': 'Nope' }, builtinConnectors),
    ).toThrowError(/transforms.x.type/);
  });

  it("uses the worker's converters unless the connector names its own", () => {
    const defaults = { 'value.converter': 'json', 'value.converter.schemas.enable': false };
    const inherit = parseConnectorConfig(source, builtinConnectors, defaults);
    expect(inherit.valueConverter.fromConnectData('t', null, { a: 1 })?.toString()).toBe('{"a":1}');
    const own = parseConnectorConfig({ ...source, 'value.converter': 'string' }, builtinConnectors, defaults);
    expect(own.valueConverter.fromConnectData('t', null, 'x')?.toString()).toBe('x');
  });
});

describe('connect › runtime › worker config', () => {
  it("has Kafka's names and defaults and keeps converter keys for connectors", () => {
    const c = parseWorkerConfig({
      'log.dir': '/tmp/l',
      'value.converter.schemas.enable': 'false',
      'rest.port': '0',
    });
    expect(c['offset.storage.topic']).toBe('connect-offsets');
    expect(c['rest.host.name']).toBe('127.0.0.1');
    expect(c['rest.port']).toBe(0);
    expect(c.converterDefaults).toEqual({
      'value.converter.schemas.enable': 'false',
      'key.converter': 'json',
      'value.converter': 'json',
    });
  });

  it('rejects unknown keys with a suggestion', () => {
    expect(() => parseWorkerConfig({ 'offset.flush.interval': 5 })).toThrowError(
      /did you mean "offset.flush.interval.ms"/,
    );
  });
});

describe('connect › runtime › properties files', () => {
  // The examples of java.util.Properties.load's documentation, and its escape rules.
  it('reads the examples of java.util.Properties.load as Java does', () => {
    expect(parseProperties('Truth = Beauty\n Truth:Beauty\nTruth                    :Beauty\n')).toEqual({
      Truth: 'Beauty',
    });
    const fruits =
      'fruits                           apple, banana, pear, \\\n' +
      '                                  cantaloupe, watermelon, \\\n' +
      '                                  kiwi, mango\n';
    expect(parseProperties(fruits)).toEqual({
      fruits: 'apple, banana, pear, cantaloupe, watermelon, kiwi, mango',
    });
    expect(parseProperties('cheeses\n')).toEqual({ cheeses: '' });
  });

  it('unescapes as Java does: \\\\, \\n, \\t, \\uXXXX, escaped separators in keys', () => {
    expect(parseProperties('path=C:\\\\data\\\\in\n')).toEqual({ path: 'C:\\data\\in' });
    expect(parseProperties('msg=line1\\nline2\\ttab\n')).toEqual({ msg: 'line1\nline2\ttab' });
    expect(parseProperties('e=caf\\u00e9\n')).toEqual({ e: 'café' });
    expect(parseProperties('a\\:b\\=c\\ d = v\n')).toEqual({ 'a:b=c d': 'v' });
    // A value ending in an escaped backslash (an even count) does not continue onto the next line.
    expect(parseProperties('dir=C:\\\\\nnext=1\n')).toEqual({ dir: 'C:\\', next: '1' });
    // An unknown escape drops the backslash, as Java does; the last of duplicate keys wins.
    expect(parseProperties('x=\\q\nx=2\n')).toEqual({ x: '2' });
    expect(parseProperties('y=\\q\n')).toEqual({ y: 'q' });
  });

  it('reads key=value, key: value, comments and continuations', () => {
    const text =
      '# comment\nname=local-file-source\nconnector.class: FileStreamSource\n! other\ntopics=a,\\\n  b\nempty=\n';
    expect(parseProperties(text)).toEqual({
      name: 'local-file-source',
      'connector.class': 'FileStreamSource',
      topics: 'a,b',
      empty: '',
    });
  });
});
