// Words Amazon prints in its UI languages, for the few facts that only exist as text
// (availability, labels of detail rows, "Visit the X Store"). One place per fact so a
// new language is one more alternative in one pattern.

/** Availability that means the item cannot be bought now. Checked before IN_STOCK. */
export const OUT_OF_STOCK =
  /currently unavailable|out of stock|unavailable|nicht verfügbar|nicht auf lager|indisponible|rupture de stock|non disponibile|no disponible|agotado|sin stock|não disponível|indisponível|sem estoque|esgotado|niet (?:verkrijgbaar|beschikbaar|op voorraad)|niedostępny|brak w magazynie|inte tillgänglig|inte i lager|tillfälligt slut|在庫切れ|取り扱いできません|mevcut değil|stokta yok|غير متوفر|غير متاح|نفد/i;

/** Availability that means the item ships from stock. */
export const IN_STOCK =
  /in stock|left in stock|auf lager|en stock|disponible|disponibile|em estoque|em stock|op voorraad|na stanie|dostępn|i lager|在庫あり|残り|stokta|متوفر|متوفّر/i;

/** Row labels of the brand in the product overview and detail tables. */
export const BRAND_LABEL = /^(?:brand|brand name|marke|marca|marque|merk|marka|märke|ブランド|ブランド名|العلامة التجارية|اسم العلامة التجارية)$/i;

export const MANUFACTURER_LABEL = /^(?:manufacturer|hersteller|fabricante|fabricant|produttore|fabrikant|producent|tillverkare|メーカー|üretici|الشركة المصنعة|الصانع)$/i;

export const DIMENSIONS_LABEL =
  /^(?:product dimensions|item dimensions(?: l x w x h)?|package dimensions|produktabmessungen|verpackungsabmessungen|dimensions du produit|dimensions du colis|dimensioni (?:prodotto|del prodotto|del collo)|dimensiones del (?:producto|paquete)|dimensões do (?:produto|item|pacote)|productafmetingen|wymiary (?:produktu|opakowania)|produktmått|製品サイズ|梱包サイズ|ürün boyutları|paket boyutları|أبعاد المنتج|أبعاد الشحنة)/i;

/** Rows whose value is the best-sellers rank. */
export const SALES_RANK_LABEL =
  /best ?sellers? rank|sales rank|bestseller|meilleures ventes|classifica|más vendidos|mais vendidos|najlepiej sprzeda|bästsäljare|売れ筋ランキング|çok satan|الأكثر مبيع/i;

/** Rows whose value is the review widget (skipped in product_details). */
export const REVIEWS_LABEL =
  /customer reviews|kundenrezension|kundenbewertung|avalia(?:ção|ções)|commentaires client|recensioni|opiniones|valoraciones|klantenrecensies|recenzje|kundrecensioner|カスタマーレビュー|müşteri yorum|مراجعات العملاء|تقييمات العملاء/i;

/** The byline's brand store link or label, in each UI language. */
export const BYLINE_BRAND: readonly RegExp[] = [
  /^(?:brand|marca|marke|marque|merk|marka|märke|ブランド|العلامة التجارية)\s*[:：]\s*(.+)$/i,
  /^visit the (.+?) store$/i,
  /^besuche den (.+?)-store$/i,
  /^visite a loja (?:da |de |do )?(.+)$/i,
  /^visita la tienda de (.+)$/i,
  /^visitez la boutique (?:de )?(.+)$/i,
  /^visita lo store di (.+)$/i,
  /^bezoek de (.+?)-(?:winkel|store)$/i,
  /^odwiedź sklep (?:marki )?(.+)$/i,
  /^besök (.+?)-butiken$/i,
  /^(.+?) store'u ziyaret edin$/i,
  /^(.+?)のストアを表示$/,
  /^(?:تفضل بزيارة متجر|زيارة متجر) (.+)$/,
];

/** A free shipping line in running text (not "FREE Returns"). */
export const FREE_SHIPPING_TEXT =
  /free (?:shipping|delivery)|kostenlose (?:lieferung|versand)|livraison gratuite|spedizione gratuita|env[ií]o gratis|entrega gr[aá]tis|frete gr[aá]tis|gratis verzending|darmowa dostawa|fri frakt|配送料無料|ücretsiz kargo|توصيل مجاني|شحن مجاني/i;

/** A free shipping line's minimum order: "FREE Shipping on orders over $35" (the amount follows). */
export const FREE_ABOVE = /\borders? (?:over|above|of)\s+(.+)/i;

/** Words that make a delivery free (the delivery-price attribute: "FREE", "KOSTENLOSE"). */
export const FREE_DELIVERY = /free|gratis|kostenlos|gratuit|gratuita|grátis|darmowa|bezpłatn|fri frakt|無料|ücretsiz|مجاني|مجانًا/i;

const NEW_WORDS = 'new|neu|neufs?|nuevos?|nuovi|nuovo|novos?|nieuw|nowy|nowe|ny|nya|新品|yeni|جديد';
const USED_WORDS = 'used|gebraucht|de 2ª mano|occasions?|usados?|usati|usato|seminovos?|tweedehands|używany|używane|begagnade?|中古品|ikinci el|مستعمل';

/**
 * "New (10) from", "Nuevos: 16 desde" or, in older layouts, "2 new from" / "15 Used from": the
 * count is whichever group matched. "Neu: 25,99 €" is a price, not a count. The word must not
 * continue another Latin word; CJK and Arabic words have no \b around them, so no \b here.
 */
function offerCount(words: string): RegExp {
  return new RegExp(`(?:(?<![a-z])(?:${words})\\s*(?:\\((\\d+)\\)|:\\s*(\\d+)(?!\\d|[.,]\\d))|(\\d+)\\s+(?:${words})(?=\\s|$))`, 'i');
}

export const NEW_OFFERS = offerCount(NEW_WORDS);
export const USED_OFFERS = offerCount(USED_WORDS);

/**
 * "New & Used (14) from £4.45", or "Used & New (109) from $3.92" (mobile), counts both
 * conditions together: neither a new nor a used count (global: for replace).
 */
const AND = '(?:&|and|und|y|e|et|en|i|och|ve|و)';
export const NEW_AND_USED_OFFERS = new RegExp(
  `(?:(?:${NEW_WORDS})\\s*${AND}\\s*(?:${USED_WORDS})|(?:${USED_WORDS})\\s*${AND}\\s*(?:${NEW_WORDS}))\\s*\\(\\d+\\)`,
  'gi',
);

/** "One person found this helpful" and its translations. */
export const ONE_PERSON = /^(?:one|eine|une|una|uma|een|jedna|en|bir|1人|شخص واحد)\b/i;

/** Labels of a struck price that is not a list price (EU "lowest price in 30 days", "Was"). */
export const NOT_LIST_PRICE = /typical|was:|vorher|niedrigster|lowest|prix (?:le plus bas|précédent)|precio (?:más bajo|anterior)|prezzo più basso|preço (?:mais baixo|anterior)|laagste|najniższa|lägsta|過去|en düşük/i;

/** The "no customer reviews yet" line under an empty histogram. */
export const NO_REVIEWS =
  /no customer reviews|keine kundenrezensionen|aucun commentaire|nessuna recensione|no hay opiniones|ninguna opinión|nenhuma avaliação|sem avaliações|geen klantenrecensies|brak recenzji|inga kundrecensioner|カスタマーレビューはありません|müşteri yorumu yok|لا توجد مراجعات/i;
