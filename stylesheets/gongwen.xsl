<?xml version="1.0" encoding="UTF-8"?>
<!-- The 文件格式 of GB/T 9704-2012: a gongwen source (schema/source.rng) to the intermediate
     layout (schema/layout.rng, doc/layout.md). Every number comes from gbt9704.xsl; this file
     decides which element goes where and in which face. Runs under xsltproc as well:
       xsltproc stylesheets/gongwen.xsl sources/X.xml -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="urn:gongwen:source:1"
    xmlns:gw="urn:gongwen:annotation"
    xmlns="urn:gongwen:layout:1"
    exclude-result-prefixes="s gw">

  <xsl:import href="gbt9704.xsl"/>
  <xsl:import href="numerals.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="yes"/>
  <xsl:strip-space elements="s:document s:head s:body s:chapter s:section s:article s:item s:closing s:colophon"/>

  <!-- How much of an article's text its bookmark shows after the number. -->
  <xsl:param name="outline-text-length" select="16"/>

  <!-- The gongwen version, passed in by the program; it goes into the PDF's metadata. -->
  <xsl:param name="generator">gongwen</xsl:param>

  <xsl:key name="unit" match="s:chapter|s:section|s:article|s:item" use="@id"/>

  <xsl:variable name="doc" select="/s:document"/>
  <xsl:variable name="in-chapters" select="boolean(/s:document/s:body/s:chapter)"/>

  <xsl:template match="/">
    <xsl:if test="not(s:document)">
      <xsl:message terminate="yes">the root element is not a gongwen source document (urn:gongwen:source:1)</xsl:message>
    </xsl:if>
    <xsl:apply-templates select="s:document"/>
  </xsl:template>

  <xsl:template match="s:document">
    <layout version="1">
      <info lang="zh-CN" creator="{$generator}">
        <xsl:attribute name="title"><xsl:apply-templates select="s:title" mode="plain"/></xsl:attribute>
        <xsl:attribute name="author"><xsl:value-of select="s:head/s:organ[1]"/></xsl:attribute>
        <xsl:if test="s:head/s:number">
          <xsl:attribute name="subject"><xsl:apply-templates select="s:head/s:number" mode="text"/></xsl:attribute>
        </xsl:if>
        <xsl:attribute name="keywords"><xsl:value-of select="@kind"/></xsl:attribute>
        <xsl:attribute name="date">
          <xsl:value-of select="(s:closing/s:date | s:colophon/s:printed)[1]"/>
        </xsl:attribute>
      </info>
      <page width="{$page-width}" height="{$page-height}" top="{$area-top}" left="{$area-left}"
            area-width="{$area-width}" area-height="{$area-height}"
            lines="{$lines-per-page}" chars="{$chars-per-line}" em-top="{$em-top}"/>
      <face role="body" family="{$face-body}"/>
      <face role="mark" family="{$face-mark}"/>
      <face role="title" family="{$face-title}"/>
      <face role="hei" family="{$face-hei}"/>
      <face role="kai" family="{$face-kai}"/>
      <face role="folio" family="{$face-folio}"/>
      <folio face="folio" size="{$folio-size}" prefix="{$folio-prefix}" suffix="{$folio-suffix}"
             below="{$folio-below-area}" inset="{$folio-inset}" odd="right" even="left"
             omit="{$folio-omit}"/>
      <flow face="body" size="{$body-size}" color="{$black}">
        <xsl:apply-templates select="s:head"/>
        <xsl:apply-templates select="s:title"/>
        <xsl:apply-templates select="s:addressee"/>
        <xsl:apply-templates select="s:body"/>
        <xsl:apply-templates select="s:closing"/>
      </flow>
      <xsl:apply-templates select="s:colophon"/>
    </layout>
  </xsl:template>

  <!-- The source line of an element, when the program annotated it (gongwen does; xsltproc
       runs simply have none). -->
  <xsl:template name="src">
    <xsl:if test="@gw:line">
      <xsl:attribute name="line"><xsl:value-of select="@gw:line"/></xsl:attribute>
    </xsl:if>
  </xsl:template>

  <!-- 版头 -->
  <xsl:template match="s:head">
    <xsl:variable name="organ" select="s:organ[1]"/>
    <para at="{$mark-top}" cell="em" face="mark" size="{$mark-size}" color="{$red}"
          align="center" fit="compress" max-width="{$mark-max-width}">
      <xsl:for-each select="$organ"><xsl:call-template name="src"/></xsl:for-each>
      <xsl:choose>
        <xsl:when test="$organ/@mark"><xsl:value-of select="$organ/@mark"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$organ"/></xsl:otherwise>
      </xsl:choose>
      <xsl:value-of select="$organ/@suffix"/>
    </para>
    <xsl:choose>
      <xsl:when test="$doc/@direction = 'up' or s:signer">
        <row before="{$number-below-mark}" grid="yes">
          <xsl:for-each select="s:number"><xsl:call-template name="src"/></xsl:for-each>
          <cell align="left" inset="{$number-inset}"><xsl:apply-templates select="s:number" mode="text"/></cell>
          <xsl:if test="s:signer">
            <cell align="right" inset="{$signer-inset}">
              <xsl:text>签发人：</xsl:text>
              <span face="kai"><xsl:value-of select="s:signer[1]"/></span>
            </cell>
          </xsl:if>
        </row>
      </xsl:when>
      <xsl:when test="s:number">
        <para before="{$number-below-mark}" align="center" grid="yes">
          <xsl:for-each select="s:number"><xsl:call-template name="src"/></xsl:for-each>
          <xsl:apply-templates select="s:number" mode="text"/>
        </para>
      </xsl:when>
    </xsl:choose>
    <rule before="{$rule-below-number}" from="ink" thickness="{$rule-thickness}"
          length="{$rule-length}" color="{$red}"/>
  </xsl:template>

  <!-- Line breaks inside a source paragraph are the author's editor, not the document's: the
       lines are joined without a space, as Chinese text is, and the indentation after each break
       is dropped. Forced breaks in a title are written <br/>. -->
  <xsl:template match="s:p//text() | s:heading//text() | s:title/text()">
    <xsl:call-template name="join-lines"><xsl:with-param name="s" select="."/></xsl:call-template>
  </xsl:template>

  <xsl:template name="join-lines">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="contains($s, '&#10;')">
        <xsl:call-template name="trim-end">
          <xsl:with-param name="s" select="substring-before($s, '&#10;')"/>
        </xsl:call-template>
        <xsl:variable name="rest">
          <xsl:call-template name="trim-start">
            <xsl:with-param name="s" select="substring-after($s, '&#10;')"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:call-template name="join-lines"><xsl:with-param name="s" select="string($rest)"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="trim-start">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="$s != '' and contains(' &#9;&#13;&#10;', substring($s, 1, 1))">
        <xsl:call-template name="trim-start"><xsl:with-param name="s" select="substring($s, 2)"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="trim-end">
    <xsl:param name="s"/>
    <xsl:variable name="last" select="substring($s, string-length($s), 1)"/>
    <xsl:choose>
      <xsl:when test="$s != '' and contains(' &#9;&#13;', $last)">
        <xsl:call-template name="trim-end">
          <xsl:with-param name="s" select="substring($s, 1, string-length($s) - 1)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 发文字号: 代字〔年份〕序号号, year in full, no padding zeros. -->
  <xsl:template match="s:number" mode="text">
    <xsl:value-of select="@code"/>
    <xsl:text>〔</xsl:text><xsl:value-of select="number(@year)"/><xsl:text>〕</xsl:text>
    <xsl:value-of select="number(@seq)"/><xsl:text>号</xsl:text>
  </xsl:template>

  <xsl:template match="s:title">
    <para before="{$title-below-rule}" face="title" size="{$title-size}" align="center" balance="yes"
          keep-with-next="yes" outline-level="0">
      <xsl:call-template name="src"/>
      <xsl:apply-templates/>
    </para>
  </xsl:template>
  <xsl:template match="s:title/s:br"><br/></xsl:template>
  <xsl:template match="s:title" mode="plain"><xsl:value-of select="normalize-space(.)"/></xsl:template>

  <xsl:template match="s:addressee">
    <para before="{$text-below-title}" align="justify" grid="yes">
      <xsl:call-template name="src"/>
      <xsl:value-of select="."/>
    </para>
  </xsl:template>

  <!-- 正文 -->
  <xsl:template match="s:body">
    <xsl:apply-templates/>
  </xsl:template>

  <xsl:template match="s:chapter|s:section">
    <xsl:variable name="face">
      <xsl:choose>
        <xsl:when test="self::s:chapter"><xsl:value-of select="$chapter-face"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$section-face"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="label"><xsl:apply-templates select="." mode="number"/></xsl:variable>
    <para align="center" face="{$face}" grid="yes" keep-with-next="yes"
          outline-level="{count(ancestor::s:chapter) + 1}" outline-title="{$label}　{normalize-space(s:heading)}">
      <xsl:if test="not(preceding::s:chapter or preceding::s:section or preceding::s:article) and not($doc/s:addressee)">
        <xsl:attribute name="before"><xsl:value-of select="$text-below-title"/></xsl:attribute>
      </xsl:if>
      <xsl:call-template name="src"/>
      <xsl:value-of select="$label"/>
      <xsl:text>　</xsl:text>
      <xsl:apply-templates select="s:heading/node()"/>
    </para>
    <xsl:apply-templates select="s:section|s:article"/>
  </xsl:template>

  <xsl:template match="s:article">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- The first paragraph of an article carries its number: 第X条, a full-width space, the text. -->
  <xsl:template match="s:article/s:p[1]">
    <xsl:variable name="label"><xsl:apply-templates select=".." mode="number"/></xsl:variable>
    <para indent="{$para-indent}" align="justify" grid="yes"
          outline-level="{count(ancestor::s:chapter|ancestor::s:section) + 1}"
          outline-title="{$label}">
      <xsl:if test="not(../preceding::s:article) and not($in-chapters) and not($doc/s:addressee)">
        <xsl:attribute name="before"><xsl:value-of select="$text-below-title"/></xsl:attribute>
      </xsl:if>
      <xsl:attribute name="outline-title">
        <xsl:variable name="rendered"><xsl:apply-templates/></xsl:variable>
        <xsl:variable name="text" select="normalize-space($rendered)"/>
        <xsl:value-of select="concat($label, '　', substring($text, 1, $outline-text-length))"/>
        <xsl:if test="string-length($text) &gt; $outline-text-length">…</xsl:if>
      </xsl:attribute>
      <xsl:call-template name="src"/>
      <span face="{$article-label-face}"><xsl:value-of select="$label"/></span>
      <xsl:text>　</xsl:text>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <!-- The first paragraph of an item carries its number: （一） for 项, 1． for 目. -->
  <xsl:template match="s:item/s:p[1]">
    <para indent="{$para-indent}" align="justify" grid="yes">
      <xsl:call-template name="src"/>
      <xsl:apply-templates select=".." mode="number"/>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <xsl:template match="s:p">
    <para indent="{$para-indent}" align="justify" grid="yes">
      <xsl:if test="parent::s:body and not(preceding-sibling::s:p) and not($doc/s:addressee)">
        <xsl:attribute name="before"><xsl:value-of select="$text-below-title"/></xsl:attribute>
      </xsl:if>
      <xsl:call-template name="src"/>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <xsl:template match="s:item">
    <xsl:apply-templates select="*"/>
  </xsl:template>

  <!-- Numbers of units, generated from their place in the structure. -->
  <xsl:template match="s:chapter" mode="number">
    <xsl:text>第</xsl:text>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="count(preceding-sibling::s:chapter) + 1"/></xsl:call-template>
    <xsl:text>章</xsl:text>
  </xsl:template>
  <xsl:template match="s:section" mode="number">
    <xsl:text>第</xsl:text>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="count(preceding-sibling::s:section) + 1"/></xsl:call-template>
    <xsl:text>节</xsl:text>
  </xsl:template>
  <xsl:template match="s:article" mode="number">
    <xsl:text>第</xsl:text>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="count(preceding::s:article) + 1"/></xsl:call-template>
    <xsl:text>条</xsl:text>
  </xsl:template>
  <xsl:template match="s:item" mode="number">
    <xsl:variable name="n" select="count(preceding-sibling::s:item) + 1"/>
    <xsl:choose>
      <xsl:when test="parent::s:item"><xsl:value-of select="$n"/><xsl:text>．</xsl:text></xsl:when>
      <xsl:otherwise>
        <xsl:text>（</xsl:text>
        <xsl:call-template name="cn-number"><xsl:with-param name="n" select="$n"/></xsl:call-template>
        <xsl:text>）</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A cross-reference prints the current number of its target: 第十二条, 第四条第（二）项. -->
  <xsl:template match="s:ref">
    <xsl:variable name="target" select="key('unit', @to)"/>
    <xsl:choose>
      <xsl:when test="not($target)">
        <xsl:message terminate="yes"><xsl:value-of select="@gw:line"/>: reference to "<xsl:value-of select="@to"/>", which no chapter, section, article or item has as its id</xsl:message>
      </xsl:when>
      <xsl:when test="$target/self::s:item and not($target/parent::s:item)">
        <xsl:apply-templates select="$target/parent::*" mode="number"/>
        <xsl:text>第</xsl:text>
        <xsl:apply-templates select="$target" mode="number"/>
        <xsl:text>项</xsl:text>
      </xsl:when>
      <xsl:when test="$target/self::s:item">
        <xsl:apply-templates select="$target/../parent::*" mode="number"/>
        <xsl:text>第</xsl:text>
        <xsl:apply-templates select="$target/parent::*" mode="number"/>
        <xsl:text>项第</xsl:text>
        <xsl:value-of select="count($target/preceding-sibling::s:item) + 1"/>
        <xsl:text>目</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="$target" mode="number"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- 发文机关署名 and 成文日期, no seal (§7.3.5.2): the block is set right with the signature two
       characters in; the date starts two characters right of the signature's first character.
       It never stands alone on a page (§7.3.5.5): the last lines of the text go with it. -->
  <xsl:template match="s:closing">
    <group before="{$signature-below-text}" align="right" inset="{$signature-inset}" keep-together="yes"
           keep-with-previous="yes">
      <xsl:call-template name="src"/>
      <xsl:for-each select="s:signature">
        <para grid="yes"><xsl:call-template name="src"/><xsl:value-of select="."/></para>
      </xsl:for-each>
      <para grid="yes" shift="{$date-shift}">
        <xsl:for-each select="s:date"><xsl:call-template name="src"/></xsl:for-each>
        <xsl:call-template name="date"><xsl:with-param name="iso" select="s:date"/></xsl:call-template>
      </para>
    </group>
  </xsl:template>

  <!-- 2020-01-05 → 2020年1月5日: Arabic numerals, year in full, no padding zeros. -->
  <xsl:template name="date">
    <xsl:param name="iso"/>
    <xsl:value-of select="number(substring($iso, 1, 4))"/><xsl:text>年</xsl:text>
    <xsl:value-of select="number(substring($iso, 6, 2))"/><xsl:text>月</xsl:text>
    <xsl:value-of select="number(substring($iso, 9, 2))"/><xsl:text>日</xsl:text>
  </xsl:template>

  <!-- 版记 (§7.4): anchored to the foot of the last page, its last rule on the bottom edge of the
       type area; thick rules first and last, thin rules between elements. -->
  <xsl:template match="s:colophon">
    <colophon parity="{$colophon-parity}" size="{$colophon-size}">
      <rule thickness="{$colophon-thick}" length="{$area-width}"/>
      <xsl:if test="s:cc">
        <para left="{$colophon-inset}" right="{$colophon-inset}" hang="3em" align="justify">
          <xsl:for-each select="s:cc"><xsl:call-template name="src"/></xsl:for-each>
          <xsl:text>抄送：</xsl:text><xsl:value-of select="s:cc"/>
        </para>
        <rule thickness="{$colophon-thin}" length="{$area-width}"/>
      </xsl:if>
      <row>
        <xsl:for-each select="s:printer"><xsl:call-template name="src"/></xsl:for-each>
        <cell align="left" inset="{$colophon-inset}"><xsl:value-of select="s:printer"/></cell>
        <cell align="right" inset="{$colophon-inset}">
          <xsl:call-template name="date"><xsl:with-param name="iso" select="s:printed"/></xsl:call-template>
          <xsl:text>印发</xsl:text>
        </cell>
      </row>
      <rule thickness="{$colophon-thick}" length="{$area-width}"/>
    </colophon>
  </xsl:template>
</xsl:stylesheet>
