/** X.501 distinguished names as RFC 5280 4.1.2.4 encodes them. */
import { oid, printableString, sequence, setOf, utf8String } from './der.js';
import { OID } from './oids.js';

/** The subject fields mtlsctl sets. */
export interface NameFields {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  country?: string;
}

/** Encodes a Name; country as PrintableString, the rest as UTF8String. */
export function encodeName(fields: NameFields): Buffer {
  const rdns: Buffer[] = [];
  const add = (type: string, value: Buffer) =>
    rdns.push(setOf(sequence(oid(type), value)));
  if (fields.country) add(OID.countryName, printableString(fields.country));
  if (fields.organization) add(OID.organizationName, utf8String(fields.organization));
  if (fields.organizationalUnit) {
    add(OID.organizationalUnitName, utf8String(fields.organizationalUnit));
  }
  add(OID.commonName, utf8String(fields.commonName));
  return sequence(...rdns);
}
