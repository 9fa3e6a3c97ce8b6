import { z } from 'zod';

/**
 * The id of a stored event, or of the obligation it created (an obligation's id is the event id
 * of the event that created it). Lowercase, as the event store normalises event ids, so that one
 * event never has two spellings.
 */
export const eventIdField = z
  .uuid()
  .regex(/^[0-9a-f-]+$/, 'event ids are written in lowercase')
  .meta({ docType: 'event id', description: 'the id of an event (lowercase UUID)' });

export const obligationIdField = eventIdField.meta({
  docType: 'obligation id',
  description: 'an obligation: the event id of the event that created it',
});

export const agreementIdField = z
  .uuid()
  .regex(/^[0-9a-f-]+$/, 'agreement ids are written in lowercase')
  .meta({
    docType: 'agreement id',
    description: 'the agreement (lowercase UUID); its stream is `agreement-<agreementId>`',
  });

/** Product ids name a stream (`product-<productId>`), so they use the stream id alphabet. */
export const productIdField = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+=-]{0,191}$/,
    'a product id is 1-192 of A-Z a-z 0-9 . _ : @ + = - and starts with a letter or digit',
  )
  .meta({
    docType: 'product id',
    description: 'a licensed product, as in the terms; its stream is `product-<productId>`',
  });

export const partyIdField = z
  .string()
  .min(1)
  .max(200)
  .meta({ docType: 'party id', description: 'a party, as in the terms' });

export const clauseIdField = z.string().min(1).max(200).meta({
  docType: 'clause id',
  description: 'the contract’s own clause reference, as in the terms, e.g. "5.2(a)"',
});

/** Free text a person reads: a reason, a description, a reference. */
export const textField = z.string().trim().min(1).max(2000);

/** A short reference from another system: an invoice number, a bank reference, a trial id. */
export const referenceField = z.string().trim().min(1).max(200);

/** A party as the terms name it: the same shape as the terms' `licensor` and `licensee`. */
export const partyField = z.strictObject({
  partyId: partyIdField,
  name: z.string().min(1).max(500).describe('the party’s name'),
});
