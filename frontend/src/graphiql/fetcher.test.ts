import { getIntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { documentOf, fitIntrospection, INTROSPECTION_TYPE_DEPTH } from './fetcher';

const ofTypeLevels = (query: string) => query.match(/ofType/g)?.length ?? 0;

describe('fitIntrospection', () => {
  it("makes GraphiQL's schema query shallow enough for the depth limit", () => {
    const fitted = fitIntrospection(getIntrospectionQuery());
    expect(fitted).toBe(getIntrospectionQuery({ typeDepth: INTROSPECTION_TYPE_DEPTH }));
    expect(ofTypeLevels(fitted)).toBe(INTROSPECTION_TYPE_DEPTH);
  });

  it('fits its retry without the subscription type the same way', () => {
    // What GraphiQL sends when the first answer has no data.
    const strip = (query: string) => query.replace('subscriptionType { name }', '');
    const fitted = fitIntrospection(strip(getIntrospectionQuery()));
    expect(fitted).toBe(strip(getIntrospectionQuery({ typeDepth: INTROSPECTION_TYPE_DEPTH })));
    expect(ofTypeLevels(fitted)).toBe(INTROSPECTION_TYPE_DEPTH);
  });

  it('leaves every other query alone', () => {
    expect(fitIntrospection('{ overview { tutors } }')).toBe('{ overview { tutors } }');
  });
});

describe('documentOf', () => {
  it('parses the query that is sent, so a subscription is recognised at once', () => {
    const document = documentOf('subscription { sessionRecorded { snapshot } }');
    expect(document?.definitions[0]).toMatchObject({ kind: 'OperationDefinition', operation: 'subscription' });
  });

  it('gives nothing for a query that does not parse', () => {
    expect(documentOf('{ overview {')).toBeUndefined();
  });
});
